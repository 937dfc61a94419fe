/**
 * The AfterAllowTestTraffic hook: probes green through the test listener and tells CodeDeploy whether to
 * go on. Whatever happens inside (a probe that hangs, an API that throws), it reports Succeeded or Failed
 * exactly once, before the Lambda's own timeout, so CodeDeploy never waits an hour for an answer.
 */
import {
  CodeDeployClient,
  PutLifecycleEventHookExecutionStatusCommand,
  type LifecycleEventStatus,
} from '@aws-sdk/client-codedeploy';
import { ECSClient } from '@aws-sdk/client-ecs';
import type { Context } from 'aws-lambda';
import { callWithinBudget, describe } from '../aws-calls/call-within-budget';
import { settings } from '../../../contract/settings';
import { findExpectedVersion, type ExpectedVersion } from './expected-version';
import { probeOptionsFromSettings, probeRelease, type ProbeResult } from '../../../core/probe/release-probe';

/** What CodeDeploy sends a lifecycle hook. */
export interface HookEvent {
  readonly DeploymentId?: string;
  readonly LifecycleEventHookExecutionId?: string;
}

/** Everything the hook touches, so tests can pass their own. */
export interface HookDeps {
  readonly codedeploy: CodeDeployClient;
  readonly ecs: ECSClient;
  /** The test listener, e.g. `http://my-alb.eu-west-1.elb.amazonaws.com:8080`. */
  readonly testListenerUrl: string;
  readonly containerName: string;
  readonly probe: typeof probeRelease;
  readonly log: (entry: Record<string, unknown>) => void;
  /** Time kept back from the Lambda's remaining time for the status report itself. */
  readonly reportReserveMs: number;
  /** Upper bound for the expected-version lookup, so the probe keeps its time. */
  readonly versionLookupTimeoutMs: number;
  /** Waits between retries of a throttled status report. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Kept back from the Lambda's remaining time while retrying the report, so the hook still ends itself; at
 * most half of `reportReserveMs`, the time set aside for the report.
 */
const REPORT_MARGIN_MS = 500;

/** The verdict reported to CodeDeploy and returned for the logs. */
export interface HookOutcome {
  readonly status: Extract<LifecycleEventStatus, 'Succeeded' | 'Failed'>;
  readonly reason: string;
  readonly expectedVersion?: string;
  /**
   * Why CodeDeploy did not get the verdict: the report was throttled or failed past the budget. CodeDeploy
   * then fails the lifecycle event when its own hour runs out, so the logs say why.
   */
  readonly notReported?: string;
}

/** Builds the handler around its dependencies. */
export function createHandler(deps: HookDeps) {
  return async function handle(
    event: HookEvent | null | undefined,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<HookOutcome> {
    const deploymentId = event?.DeploymentId;
    const executionId = event?.LifecycleEventHookExecutionId;
    if (
      typeof deploymentId !== 'string' ||
      !deploymentId ||
      typeof executionId !== 'string' ||
      !executionId
    ) {
      // Without both ids there is nothing to report to; say so loudly instead of guessing.
      deps.log({ level: 'error', msg: 'event lacks DeploymentId or LifecycleEventHookExecutionId', event });
      return { status: 'Failed', reason: 'malformed event' } satisfies HookOutcome;
    }

    const budgetMs = Math.max(0, context.getRemainingTimeInMillis() - deps.reportReserveMs);
    const outcome = await withinBudget(decide(deps, deploymentId), budgetMs, (): HookOutcome => ({
      status: 'Failed',
      reason: `the hook did not decide within ${budgetMs} ms`,
    }));

    deps.log({
      level: outcome.status === 'Succeeded' ? 'info' : 'warn',
      msg: 'reporting',
      deploymentId,
      ...outcome,
    });
    const notReported = await report(deps, deploymentId, executionId, outcome, context);
    return notReported === undefined ? outcome : { ...outcome, notReported };
  };
}

/** Tells CodeDeploy the verdict, retrying while it throttles; says why when that was not possible. */
async function report(
  deps: HookDeps,
  deploymentId: string,
  executionId: string,
  outcome: HookOutcome,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<string | undefined> {
  try {
    await callWithinBudget(
      'PutLifecycleEventHookExecutionStatus',
      (abortSignal) =>
        deps.codedeploy.send(
          new PutLifecycleEventHookExecutionStatusCommand({
            deploymentId,
            lifecycleEventHookExecutionId: executionId,
            status: outcome.status,
          }),
          { abortSignal },
        ),
      {
        remainingMs: () => context.getRemainingTimeInMillis(),
        reserveMs: Math.min(REPORT_MARGIN_MS, deps.reportReserveMs / 2),
        ...(deps.sleep && { sleep: deps.sleep }),
      },
    );
    return undefined;
  } catch (error) {
    // A repeated invocation of a hook that already answered: CodeDeploy has a verdict, nothing is lost.
    const already = (error as { name?: unknown } | null)?.name === 'LifecycleEventAlreadyCompletedException';
    const why = already ? `already reported: ${describe(error)}` : describe(error);
    deps.log({ level: already ? 'info' : 'error', msg: 'the verdict was not reported', deploymentId, why });
    return why;
  }
}

async function decide(deps: HookDeps, deploymentId: string): Promise<HookOutcome> {
  try {
    const expected = await withinBudget<ExpectedVersion>(
      findExpectedVersion(deps, deploymentId, deps.containerName),
      deps.versionLookupTimeoutMs,
      () => ({ unknownBecause: `the lookup took longer than ${deps.versionLookupTimeoutMs} ms` }),
    );
    if (expected.version === undefined) {
      deps.log({
        level: 'warn',
        msg: 'expected version unknown; skipping the version check',
        why: expected.unknownBecause,
      });
    }
    const result: ProbeResult = await deps.probe(
      probeOptionsFromSettings(deps.testListenerUrl, expected.version),
    );
    deps.log({ level: 'info', msg: 'probe finished', checks: result.checks });
    const versionNote =
      expected.version === undefined ? ` (version not checked: ${expected.unknownBecause})` : '';
    return {
      status: result.ok ? 'Succeeded' : 'Failed',
      reason: `${result.reason}${versionNote}`,
      ...(expected.version === undefined ? {} : { expectedVersion: expected.version }),
    };
  } catch (error) {
    return {
      status: 'Failed',
      reason: `the hook failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** Resolves with the work's value, or with the fallback once the budget is spent; never rejects. */
async function withinBudget<T>(work: Promise<T>, budgetMs: number, fallback: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback()), budgetMs);
  });
  try {
    return await Promise.race([work, expiry]);
  } finally {
    clearTimeout(timer);
  }
}

/** Dependencies from the Lambda environment; read on first use, not at import. */
export function depsFromEnvironment(env: NodeJS.ProcessEnv = process.env): HookDeps {
  const testListenerUrl = env.TEST_LISTENER_URL;
  if (!testListenerUrl)
    throw new Error('TEST_LISTENER_URL is not set; the stack sets it to the test listener URL');
  return {
    codedeploy: new CodeDeployClient({}),
    ecs: new ECSClient({}),
    testListenerUrl,
    containerName: env.CONTAINER_NAME ?? settings.container.name,
    probe: probeRelease,
    log: (entry) => console.log(JSON.stringify(entry)),
    reportReserveMs: 10_000,
    versionLookupTimeoutMs: 10_000,
  };
}

let configured: ReturnType<typeof createHandler> | undefined;

/** The Lambda entry point. */
export async function handler(event: HookEvent, context: Context) {
  try {
    configured ??= createHandler(depsFromEnvironment());
  } catch (error) {
    // A misconfigured function still owes CodeDeploy an answer: report Failed with a plain client.
    const message = error instanceof Error ? error.message : String(error);
    return createHandler({
      ...depsFromEnvironment({ TEST_LISTENER_URL: 'http://misconfigured.invalid' }),
      probe: () => Promise.resolve({ ok: false, reason: message, checks: [] }),
      versionLookupTimeoutMs: 0,
    })(event, context);
  }
  return configured(event, context);
}
