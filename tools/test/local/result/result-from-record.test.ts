import { deploymentConfig } from '../../../../contract/deployment-configs';
import type { RehearsalEvent } from '../../../src/experiment/rehearsal-event';
import { localTimings } from '../../../src/local/time-scale/local-timings';
import { modelledAwsTime } from '../../../src/local/result/aws-model';
import { formatSummary } from '../../../src/local/report/report-text';
import { toJson } from '../../../src/local/report/report-json';
import { resultFromRecord } from '../../../src/local/result/result-from-record';
import { FIXTURE_MS, recordFor, resultFor } from '../../helpers/rehearsal-result';

// A fault the stopped-task guard decides in the model.
const faults = { 'startup-crash': true } as const;
const resultOf = (events: RehearsalEvent[]) =>
  resultFromRecord({
    ...resultFor(faults),
    faults,
    config: deploymentConfig('CodeDeployDefault.ECSCanary10Percent5Minutes')!,
    timings: localTimings(20),
    events,
    hookRun: { requestsMs: [] },
  });

describe('a local rehearsal result, read from its record', () => {
  const guarded = recordFor(faults, 'rolled-back', { trigger: 'guard', signal: 'stopped-task guard' });

  it("takes the verdict, the deciding signal and the AWS-equivalent detection from the record's events", () => {
    const result = resultOf(guarded);
    expect(result).toMatchObject({
      outcome: 'rolled-back',
      decidedBy: 'stopped-task guard',
      matched: true,
      greenRunningAtMs: FIXTURE_MS.greenRunning,
      greenStartupMs: FIXTURE_MS.greenRunning - FIXTURE_MS.greenLaunch,
    });
    // (stop - green running) x time scale 20, in AWS seconds.
    expect(result.detectedAwsSeconds).toBe(((FIXTURE_MS.stop - FIXTURE_MS.greenRunning) * 20) / 1000);
    expect(result.deployment).toMatchObject({
      detectedAtMs: FIXTURE_MS.stop,
      rolledBackAtMs: FIXTURE_MS.rolledBack,
      productionShifted: false,
    });
  });

  it('does not match when another signal stopped the same release, as the model counts the signal too', () => {
    const alarmed = recordFor(faults, 'rolled-back', { trigger: 'alarm', signal: 'unhealthy-hosts alarm' });
    const result = resultOf(alarmed);
    expect(result.outcome).toBe('rolled-back');
    expect(result.decidedBy).toBe('unhealthy-hosts alarm');
    expect(result.matched).toBe(false);
  });

  it('moves the detection with the stop event alone', () => {
    const later = guarded.map((e) => (e.type === 'stop' ? { ...e, atMs: e.atMs + 1_000 } : e));
    expect(resultOf(later).detectedAwsSeconds).toBe(resultOf(guarded).detectedAwsSeconds! + 20);
  });

  it('refuses a record that never finished its deployment', () => {
    expect(() => resultOf(guarded.filter((e) => e.type !== 'outcome'))).toThrow(
      /no finished local deployment/,
    );
  });

  it('puts the typed record itself in report.json', () => {
    const json = toJson(resultOf(guarded)) as { events: RehearsalEvent[]; decidedBy: string };
    expect(json.events).toEqual(guarded);
    expect(json.events.find((e) => e.type === 'stop')).toMatchObject({ signal: 'stopped-task guard' });
    expect(json.decidedBy).toBe('stopped-task guard');
  });

  it("sets the record against the controller's own model, and says which controller ran", () => {
    const hookFault = { 'error-rate': 0.5 } as const;
    const stop = { trigger: 'hook', signal: 'test-traffic hook' } as const;
    const onEach = (controller: 'codedeploy' | 'ecs') =>
      resultFromRecord({
        ...resultFor(hookFault),
        faults: hookFault,
        controller,
        config: deploymentConfig('CodeDeployDefault.ECSCanary10Percent5Minutes')!,
        timings: localTimings(20),
        events: recordFor(hookFault, 'rolled-back', stop),
        hookRun: { requestsMs: [] },
      });
    const codeDeploy = onEach('codedeploy');
    const native = onEach('ecs');
    // ECS invokes its hook sooner after green is healthy than CodeDeploy moves on.
    expect(native.modelledAws!.seconds).toBeLessThan(codeDeploy.modelledAws!.seconds!);
    expect(native.modelledAws).toEqual(modelledAwsTime(hookFault, undefined, 'ecs'));
    expect(native).toMatchObject({ controller: 'ecs', matched: true });
    expect(toJson(native)).toMatchObject({ controller: 'ecs' });
    expect(formatSummary(native)).toContain(
      "with native ECS blue/green, CANARY 10 %, step bake 5 min (the stack's strategy for CodeDeployDefault.ECSCanary10Percent5Minutes)",
    );
    expect(formatSummary(codeDeploy)).toContain(
      'with CodeDeploy, CodeDeployDefault.ECSCanary10Percent5Minutes',
    );
  });
});
