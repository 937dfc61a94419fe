import type { NativeWatchEvent, NativeWatchResult, RevisionView } from '../../../src/aws/watch-native';
import { nativeDecision } from '../../../src/aws/watch-native';
import {
  nativeDetectionTime,
  nativeGreenRunningTime,
  nativeRollbackDoneTime,
  nativeDeploymentEvents,
} from '../../../src/drill/follow/native-timeline';
import type { RehearsalEvent } from '../../../src/experiment/rehearsal-event';

/** Each event as its time and what it is, for a readable comparison. */
const moments = (events: RehearsalEvent[]): string[] =>
  events.map((e) => {
    const what =
      e.type === 'lifecycle'
        ? e.step
        : e.type === 'traffic'
          ? e.listener
          : e.type === 'rollback'
            ? e.status
            : e.type === 'stop'
              ? e.trigger
              : e.type === 'outcome'
                ? e.outcome
                : '';
    return `${e.atMs} ${e.type}${what ? ` ${what}` : ''}`;
  });

const ARN = 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/c/s/sd-1';
const rev = (role: RevisionView['role'], production: number, running: number): RevisionView => ({
  role,
  arn: `rev-${role}`,
  productionWeight: production,
  testWeight: production,
  running,
  requested: 2,
  pending: 2 - running,
});
/** `Omit` applied to each member of a union, so a discriminated union stays one. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
const e = (event: DistributiveOmit<NativeWatchEvent, 'deploymentArn'>): NativeWatchEvent => ({
  deploymentArn: ARN,
  ...event,
});

function result(events: NativeWatchEvent[], status: string, outcome: NativeWatchResult['outcome']) {
  return {
    controller: 'ecs',
    deploymentArn: ARN,
    status,
    outcome,
    createTime: 0,
    finishTime: 900,
    decision: nativeDecision(events, outcome),
    events,
  } satisfies NativeWatchResult;
}

describe('the journal of a native service deployment', () => {
  it('marks green running, production on green, the alarm and the rollback of a bake-time failure', () => {
    const r = result(
      [
        e({ at: 100, type: 'stage', stage: 'SCALE_UP' }),
        e({ at: 100, type: 'traffic', revisions: [rev('blue', 100, 2), rev('green', 0, 1)] }),
        e({ at: 200, type: 'traffic', revisions: [rev('blue', 100, 2), rev('green', 0, 2)] }),
        e({ at: 300, type: 'stage', stage: 'POST_SCALE_UP' }),
        e({ at: 400, type: 'traffic', revisions: [rev('blue', 0, 2), rev('green', 100, 2)] }),
        e({ at: 600, type: 'alarm', alarmNames: ['Target5xx-Green'] }),
        e({ at: 550, type: 'rollback', reason: 'alarm' }),
      ],
      'ROLLBACK_SUCCESSFUL',
      'rolled-back',
    );
    expect(nativeGreenRunningTime(r)).toBe(200);
    expect(nativeDetectionTime(r)).toBe(550);
    expect(nativeRollbackDoneTime(r)).toBe(900);
    expect(moments(nativeDeploymentEvents(r, 0))).toEqual([
      '0 deployment',
      '100 lifecycle SCALE_UP',
      '200 green-running',
      '300 lifecycle POST_SCALE_UP',
      '400 traffic test',
      '400 traffic production',
      '550 rollback started',
      // Detected at the rollback, which ECS stamped before the poll that saw the alarm.
      '550 stop alarm',
      '600 alarm',
      '900 rollback done',
      '900 outcome rolled-back',
    ]);
    // Placed on the drill's time line: milliseconds since it started.
    expect(nativeDeploymentEvents(r, 100)[0]).toMatchObject({ type: 'deployment', atMs: -100 });
  });

  it('marks the guard’s stop, and a deployment that went through as ended with no detection', () => {
    const stopped = result(
      [e({ at: 50, type: 'status', status: 'ROLLBACK_REQUESTED', reason: 'stopped by the guard' })],
      'ROLLBACK_SUCCESSFUL',
      'rolled-back',
    );
    expect(nativeDeploymentEvents(stopped, 0)).toContainEqual(
      expect.objectContaining({ atMs: 50, type: 'stop', trigger: 'stop-call' }),
    );
    const passed = result([e({ at: 10, type: 'stage', stage: 'CLEAN_UP' })], 'SUCCESSFUL', 'succeeded');
    expect(nativeDetectionTime(passed)).toBeUndefined();
    expect(nativeRollbackDoneTime(passed)).toBeUndefined();
    const events = nativeDeploymentEvents(passed, 0);
    expect(events.at(-1)).toMatchObject({ type: 'outcome', outcome: 'succeeded' });
    expect(events.filter((e) => e.type === 'stop')).toEqual([]);
  });
});
