/**
 * The test-traffic hook: once the test listener sends green's traffic (CodeDeploy's AfterAllowTestTraffic,
 * ECS's POST_TEST_TRAFFIC_SHIFT), it probes green through it (`core/probe/release-probe.ts`), checks the
 * version green serves against the one its task definition sets, and answers the controller that invoked
 * it (`../deployment-control`): CodeDeploy through its API, exactly once; ECS with the function's return
 * value, IN_PROGRESS while green settles. Whatever happens inside (a probe that hangs, an API that throws),
 * it answers with a reason before the Lambda's own timeout.
 */
import { ECSClient } from '@aws-sdk/client-ecs';
import type { Context } from 'aws-lambda';
import { settings } from '../../../contract/settings';
import { probeOptionsFromSettings, probeRelease } from '../../../core/probe/release-probe';
import { controlFromEnvironment } from '../deployment-control/control-from-environment';
import type {
  DeploymentControl,
  HookAnswer,
  HookInvocation,
  HookVerdict,
  InvocationTime,
} from '../deployment-control/deployment-control';
import { expectedVersion, type ExpectedVersion } from '../deployment-control/task-definition-version';

/** Everything the hook touches, so tests can pass their own. */
export interface HookDeps<A extends HookAnswer> {
  readonly control: DeploymentControl<A>;
  /** Describes green's task definition. */
  readonly ecs: ECSClient;
  /** The test listener, e.g. `http://my-alb.eu-west-1.elb.amazonaws.com:8080`. */
  readonly testListenerUrl: string;
  readonly containerName: string;
  readonly probe: typeof probeRelease;
  readonly log: (entry: Record<string, unknown>) => void;
  /** Time kept back from the Lambda's remaining time for the answer itself. */
  readonly answerReserveMs: number;
  /** Upper bound for the expected-version lookup, so the probe keeps its time. */
  readonly versionLookupTimeoutMs: number;
  /** Why the function cannot probe (its settings are missing): every invocation then fails with it. */
  readonly misconfigured?: string;
}

/** Builds the handler around its dependencies. */
export function createHook<A extends HookAnswer>(deps: HookDeps<A>) {
  return async function handle(event: unknown, time: InvocationTime): Promise<A> {
    const invocation = deps.control.readHookEvent(event);
    if ('refused' in invocation) {
      deps.log({ level: 'error', msg: invocation.why, event });
      return invocation.refused;
    }
    const budgetMs = Math.max(0, time.getRemainingTimeInMillis() - deps.answerReserveMs);
    const verdict = await withinBudget(decide(deps, invocation), budgetMs, (): HookVerdict => ({
      kind: 'error',
      reason: `the hook did not decide within ${budgetMs} ms`,
    }));
    return invocation.answer(verdict, time);
  };
}

async function decide<A extends HookAnswer>(
  deps: HookDeps<A>,
  invocation: HookInvocation<A>,
): Promise<HookVerdict> {
  if (deps.misconfigured !== undefined) return { kind: 'error', reason: deps.misconfigured };
  try {
    const expected = await withinBudget<ExpectedVersion>(
      expectedVersion(
        () => deps.control.expectedTaskDefinition(invocation.green),
        deps.ecs,
        deps.containerName,
      ),
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
    const result = await deps.probe({
      ...probeOptionsFromSettings(deps.testListenerUrl, expected.version),
      ...invocation.probe,
    });
    deps.log({ level: 'info', msg: 'probe finished', checks: result.checks });
    return {
      kind: 'probed',
      result,
      note: expected.version === undefined ? ` (version not checked: ${expected.unknownBecause})` : '',
      ...(expected.version === undefined ? {} : { expectedVersion: expected.version }),
    };
  } catch (error) {
    return {
      kind: 'error',
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

/**
 * Dependencies from the Lambda environment; read on first use, not at import. Without its test listener
 * the hook still answers its controller, with what is missing.
 */
export function depsFromEnvironment(env: NodeJS.ProcessEnv = process.env): HookDeps<HookAnswer> {
  const log = (entry: Record<string, unknown>): void => console.log(JSON.stringify(entry));
  const testListenerUrl = env.TEST_LISTENER_URL;
  return {
    control: controlFromEnvironment(env, { listsDeployments: false, log }),
    ecs: new ECSClient({}),
    testListenerUrl: testListenerUrl ?? '',
    containerName: env.CONTAINER_NAME ?? settings.container.name,
    probe: probeRelease,
    log,
    answerReserveMs: 10_000,
    versionLookupTimeoutMs: 10_000,
    ...(!testListenerUrl && {
      misconfigured: 'TEST_LISTENER_URL is not set; the stack sets it to the test listener URL',
    }),
  };
}

let configured: ReturnType<typeof createHook<HookAnswer>> | undefined;

/** The Lambda entry point. */
export async function handler(event: unknown, context: Context): Promise<HookAnswer> {
  configured ??= createHook(depsFromEnvironment());
  return configured(event, context);
}
