import { settings } from '../../../../contract/settings';
import { DEFAULT_ASSUMPTIONS } from '../../../../core/model/signal-paths';
import type { TargetHealth } from '../../../src/local/elb/health-state';
import type { GroupName } from '../../../src/local/cloudwatch/lb-metrics';
import type { TargetGroup } from '../../../src/local/elb/target-group';
import { LocalTargetHealthWatcher } from '../../../src/local/lambdas/target-health-watcher';
import { FakeClock } from '../../helpers/fake-clock';

/** Target groups whose targets' states a test sets by hand. */
function groups(states: Record<GroupName, TargetHealth[]>): Record<GroupName, TargetGroup> {
  const group = (name: GroupName) =>
    ({ targets: () => states[name].map((state, i) => ({ id: `${name}-${i}`, state })) }) as TargetGroup;
  return { blue: group('blue'), green: group('green') };
}

const TIME_SCALE = 1;
const poll = settings.targetHealthWatcher.pollSeconds * 1000;
const confirm = settings.targetHealthWatcher.confirmSeconds * 1000;
const reaction = DEFAULT_ASSUMPTIONS.watcherReactionSeconds * 1000;

describe('the local target-health watcher', () => {
  it('stops the deployment once every green target failed for the confirmation window, after its reaction', async () => {
    const clock = new FakeClock();
    const states = { blue: ['healthy', 'healthy'], green: ['unhealthy', 'unhealthy'] } as Record<
      GroupName,
      TargetHealth[]
    >;
    const stops: string[] = [];
    const watcher = new LocalTargetHealthWatcher({
      clock,
      timeScale: TIME_SCALE,
      groups: groups(states),
      stop: (group, reason) => stops.push(`${group}: ${reason}`),
    });
    watcher.start();
    // First failing read at one poll; the confirming read once the window has passed since it.
    await clock.advance(poll + confirm + reaction - 1);
    expect(stops).toEqual([]);
    await clock.advance(1);
    expect(stops).toEqual([expect.stringContaining('green: all 2 target(s) failed their health checks')]);
  });

  it('leaves a slow start alone: targets still initial, then healthy, are never judged', async () => {
    const clock = new FakeClock();
    const states = { blue: ['healthy'], green: ['initial', 'initial'] } as Record<GroupName, TargetHealth[]>;
    const stops: string[] = [];
    const watcher = new LocalTargetHealthWatcher({
      clock,
      timeScale: TIME_SCALE,
      groups: groups(states),
      stop: (group) => stops.push(group),
    });
    watcher.start();
    await clock.advance(10 * poll);
    states.green = ['healthy', 'healthy'];
    await clock.advance(10 * poll);
    watcher.close();
    expect(stops).toEqual([]);
  });

  it('takes the worst case the model takes: a target that fails just after a read is first seen a whole poll later', async () => {
    const clock = new FakeClock();
    const states = { blue: ['healthy'], green: ['healthy'] } as Record<GroupName, TargetHealth[]>;
    const stops: number[] = [];
    const watcher = new LocalTargetHealthWatcher({
      clock,
      timeScale: TIME_SCALE,
      groups: groups(states),
      stop: () => stops.push(clock.now()),
    });
    watcher.start();
    // A read at one poll saw it healthy; it fails a quarter of a poll later.
    await clock.advance(poll + poll / 4);
    const failedAt = clock.now();
    states.green = ['unhealthy'];
    watcher.targetFailed();
    await clock.advance(3 * poll + confirm + reaction);
    // Model: failed + poll (first read that sees it) + confirm + reaction. A free-running poll would read at
    // 2 polls, three quarters of a poll after the failure, and stop that much earlier.
    expect(stops).toEqual([failedAt + poll + confirm + reaction]);
  });
});
