import type { NativeWatchEvent, NativeWatchResult, RevisionView } from '../../src/aws/watch-native';
import { nativeDecision } from '../../src/aws/watch-native';
import {
  nativeDetectionTime,
  nativeGreenRunningTime,
  nativeRollbackDoneTime,
  nativeTimeline,
} from '../../src/drill/native-timeline';

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
    expect(nativeTimeline(r).map((t) => `${t.at} ${t.label}`)).toEqual([
      '0 deployment created',
      '100 stage',
      '200 green tasks running',
      '300 stage',
      '400 test traffic',
      '400 production traffic on green',
      '550 rollback started',
      '600 alarm',
      '900 rollback done',
    ]);
  });

  it('marks the guard’s stop, and a deployment that went through as ended with no detection', () => {
    const stopped = result(
      [e({ at: 50, type: 'status', status: 'ROLLBACK_REQUESTED', reason: 'stopped by the guard' })],
      'ROLLBACK_SUCCESSFUL',
      'rolled-back',
    );
    expect(nativeTimeline(stopped)).toContainEqual(
      expect.objectContaining({ at: 50, label: 'deployment stopped' }),
    );
    const passed = result([e({ at: 10, type: 'stage', stage: 'CLEAN_UP' })], 'SUCCESSFUL', 'succeeded');
    expect(nativeDetectionTime(passed)).toBeUndefined();
    expect(nativeRollbackDoneTime(passed)).toBeUndefined();
    expect(nativeTimeline(passed).at(-1)).toMatchObject({ label: 'deployment ended', detail: 'SUCCESSFUL' });
  });
});
