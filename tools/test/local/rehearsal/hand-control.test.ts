import { eventsOf } from '../../../src/experiment/read-record';
import { RehearsalRecord } from '../../../src/experiment/rehearsal-record';
import type { DeploymentOutcome, StopReason } from '../../../src/local/controllers/lifecycle-parts';
import { HandControl, type HeldNotice } from '../../../src/local/rehearsal/hand-control';
import { FakeClock } from '../../helpers/fake-clock';

const ROLLED_BACK = {
  outcome: 'rolled-back',
  startedAtMs: 0,
  finishedAtMs: 10,
  reason: 'stopped by hand',
  productionShifted: false,
} as DeploymentOutcome;

function setup(gate = false) {
  const clock = new FakeClock();
  const record = new RehearsalRecord(clock);
  const stops: StopReason[] = [];
  const notices: HeldNotice[] = [];
  const hand = new HandControl({
    controller: 'codedeploy',
    deploymentId: 'd-LOCAL',
    record,
    clock,
    timeScale: 10,
    ...(gate && { gate: { waitSeconds: 60, onTimeout: 'rollback' as const } }),
    stop: (reason) => stops.push(reason),
    stopping: () => stops.length > 0,
    onHeld: (notice) => notices.push(notice),
  });
  let finish: (outcome: DeploymentOutcome) => void = () => undefined;
  const deploy = () =>
    hand.deploy(
      'http://127.0.0.1:9/test',
      () => new Promise<DeploymentOutcome>((resolve) => (finish = resolve)),
    );
  return { clock, record, stops, notices, hand, deploy, finish: (o: DeploymentOutcome) => finish(o) };
}

describe("a person's hand on a local rehearsal", () => {
  test('rollback before the deployment starts is refused and stops nothing', async () => {
    const { hand, stops } = setup();
    expect(await hand.rollback()).toEqual({
      ok: false,
      message: expect.stringContaining('No deployment in progress yet'),
    });
    expect(stops).toEqual([]);
  });

  test('rollback during the deployment writes the stop by hand, stops it as the stop call, and answers once rolled back', async () => {
    const { hand, stops, record, deploy, finish } = setup();
    void deploy();
    const answer = hand.rollback();

    expect(eventsOf(record.events, 'stopped-by-hand')).toEqual([
      expect.objectContaining({ command: 'rollback', deploymentId: 'd-LOCAL' }),
    ]);
    expect(stops).toEqual([
      {
        trigger: 'stop-call',
        detail:
          'stopped by hand (StopDeployment with autoRollbackEnabled, by npm run rehearse -- rollback --local)',
        byHand: true,
      },
    ]);
    finish(ROLLED_BACK);
    expect(await answer).toEqual({ ok: true, message: expect.stringContaining('it ended rolled-back') });
    expect(await hand.rollback()).toEqual({
      ok: false,
      message: 'No deployment in progress: it ended rolled-back.',
    });
  });

  test('rollback of a deployment already stopping is refused', async () => {
    const { hand, stops, deploy } = setup();
    void deploy();
    stops.push({ trigger: 'alarm', detail: 'alarm elb-5xx in ALARM' });
    expect((await hand.rollback()).message).toContain('already stopping with rollback');
    expect(stops).toHaveLength(1);
  });

  test('continue without a gate is refused; with one, the held notice carries the test listener', () => {
    expect(setup().hand.continue()).toEqual({
      ok: false,
      message: expect.stringContaining('without --gate'),
    });

    const { hand, notices, deploy } = setup(true);
    void deploy();
    hand.gate!.hold();
    expect(notices).toEqual([
      expect.objectContaining({ controller: 'codedeploy', testUrl: 'http://127.0.0.1:9/test', waitMs: 6000 }),
    ]);
    expect(hand.continue().ok).toBe(true);
  });
});
