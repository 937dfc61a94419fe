import { deploymentConfig } from '../../../../contract/deployment-configs';
import type { RehearsalEvent } from '../../../src/experiment/rehearsal-event';
import { formatSummary } from '../../../src/local/report/report-text';
import { toJson } from '../../../src/local/report/report-json';
import { timelineChart } from '../../../src/local/report/timeline-chart';
import { resultFromRecord } from '../../../src/local/result/result-from-record';
import { localTimings } from '../../../src/local/time-scale/local-timings';
import { FIXTURE_MS, recordFor, resultFor } from '../../helpers/rehearsal-result';

const resultOf = (faults: Record<string, true>, events: RehearsalEvent[]) =>
  resultFromRecord({
    ...resultFor(faults),
    faults,
    config: deploymentConfig('CodeDeployDefault.ECSCanary10Percent5Minutes')!,
    timings: localTimings(20),
    events,
    hookRun: { requestsMs: [] },
  });

const HELD: RehearsalEvent = { type: 'held', waitSeconds: 600, onTimeout: 'rollback', atMs: 3_000 };

describe('a rehearsal a person decided, read from its record', () => {
  // A healthy release (the model expects it to succeed) that a person rolled back while it held.
  const byHand = recordFor({}, 'rolled-back', { trigger: 'stop-call' });
  const stopAt = byHand.findIndex((e) => e.type === 'stop');
  const events: RehearsalEvent[] = [
    ...byHand.slice(0, stopAt),
    HELD,
    { type: 'stopped-by-hand', command: 'rollback', deploymentId: 'd-LOCAL', atMs: FIXTURE_MS.stop },
    { type: 'hold-released', by: 'rollback', detail: 'stopped by hand', atMs: FIXTURE_MS.stop },
    ...byHand.slice(stopAt),
  ];

  it('is not compared with the model, and every report says the hold, its end and who ended it', () => {
    const result = resultOf({}, events);
    expect(result).toMatchObject({
      outcome: 'rolled-back',
      matched: true,
      outsideModel: 'a person stopped the deployment (rollback --local), which the model does not predict',
      hold: {
        heldAtMs: 3_000,
        waitSeconds: 600,
        onTimeout: 'rollback',
        endedAtMs: FIXTURE_MS.stop,
        endedBy: 'rollback',
      },
      handStop: { atMs: FIXTURE_MS.stop, command: 'rollback' },
    });
    expect(result.detectedAwsSeconds).toBeUndefined();
    const text = formatSummary(result);
    expect(text).toMatch(/^ {2}matched: +not compared: a person stopped the deployment/m);
    expect(text).toMatch(/^ {2}reason: +stopped by hand \(rollback --local\)$/m);
    expect(text).toMatch(
      /^ {2}gate: +held at 3\.0 s \(time-out 600 s AWS, then rollback\); ended at 5\.4 s by a person: rollback/m,
    );
    expect(toJson(result)).toMatchObject({
      hold: { endedBy: 'rollback' },
      handStop: { command: 'rollback' },
    });
    expect(timelineChart(result)).toContain('stopped by hand (rollback)');
  });

  it('a hold that timed out with rollback is not compared either', () => {
    const timedOut = recordFor({}, 'rolled-back', { trigger: 'hold-timeout' });
    expect(resultOf({}, timedOut)).toMatchObject({
      matched: true,
      outsideModel: expect.stringContaining('time-out'),
    });
  });

  it("leaves a person's wait at the gate out of a later detection", () => {
    // The guard decides after the hold, which ended 2 s after the hook passed.
    const faults = { 'startup-crash': true } as const;
    const guarded = recordFor(faults, 'rolled-back', { trigger: 'guard', signal: 'stopped-task guard' });
    const held = guarded.flatMap((e): RehearsalEvent[] =>
      e.type === 'green-running'
        ? [
            e,
            { type: 'held', waitSeconds: 600, onTimeout: 'rollback', atMs: 2_500 },
            { type: 'hook', ok: true, reason: 'all checks passed', atMs: 2_600 },
            { type: 'hold-released', by: 'continue', atMs: 4_600 },
          ]
        : [e],
    );
    const plain = resultOf(faults, guarded);
    const gated = resultOf(faults, held);
    expect(gated.matched).toBe(true);
    expect(gated.outsideModel).toBeUndefined();
    // 2 s of rehearsal time at time scale 20: 40 AWS seconds fewer.
    expect(gated.detectedAwsSeconds).toBe(plain.detectedAwsSeconds! - 40);
    expect(gated.realTime.at(-1)).toMatchObject({ realMs: 2_000, countedAsAwsMs: 0, insideDetection: true });
  });
});
