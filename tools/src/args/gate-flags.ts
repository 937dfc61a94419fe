import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DeploymentControllerName } from '../../../contract/native-strategies';
import { GATE_LIMITS, parseGate } from '../../../contract/release-gate';
import type { GateSettings } from '../local/controllers/hold-gate';
import { durationFlag } from './flag-values';
import { UsageError } from './parse-command-args';

/** The `parseArgs` options of the local gate. */
export const GATE_OPTIONS = {
  gate: { type: 'boolean', default: false },
  'no-gate': { type: 'boolean', default: false },
  'gate-timeout': { type: 'string' },
  'gate-timeout-action': { type: 'string' },
} as const;

/** The gate flags as `parseArgs` returns them. */
export interface GateFlagValues {
  readonly gate?: boolean | undefined;
  readonly 'no-gate'?: boolean | undefined;
  readonly 'gate-timeout'?: string | undefined;
  readonly 'gate-timeout-action'?: string | undefined;
}

/** A gate's wait when neither the flag nor deploy-settings.json says: an hour of AWS time. */
export const DEFAULT_GATE_SECONDS = 3600;

const CODEDEPLOY_ONLY_ROLLBACK =
  'CodeDeploy stops a deployment whose wait before rerouting ends (DeploymentReadyOption STOP_DEPLOYMENT); "continue" needs --controller ecs';

/** The file the stack's deploy settings live in, at the repository root. */
const DEPLOY_SETTINGS_FILE = 'deploy-settings.json';

/**
 * The `gate` deploy setting (`{"waitMinutes": N, "onTimeout": "rollback" | "continue"}`) in `root`'s
 * deploy-settings.json, the one the service stack deploys, as the local gate; undefined without one. A
 * setting the stack would refuse is an error that names the file.
 */
export function deploySettingsGate(
  root: string,
  controller: DeploymentControllerName,
): GateSettings | undefined {
  const file = path.join(root, DEPLOY_SETTINGS_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let gate: unknown;
  try {
    gate = (JSON.parse(text) as { gate?: unknown } | null)?.gate;
  } catch (error) {
    throw new Error(`${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  let parsed;
  try {
    // The stack's own parser, so a setting `cdk deploy` would refuse is refused here with the same words.
    parsed = parseGate(gate, controller);
  } catch (error) {
    throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (parsed === undefined) return undefined;
  return { waitSeconds: parsed.waitMinutes * 60, onTimeout: parsed.onTimeout };
}

/**
 * The local gate: `--gate` with its time-out and action, else the deploy setting (`fromSettings`) unless
 * `--no-gate`; none by default. Bad values are usage errors that name the flag.
 */
export function gateFlags(
  values: GateFlagValues,
  controller: DeploymentControllerName,
  fromSettings: () => GateSettings | undefined,
): GateSettings | undefined {
  const timeout = values['gate-timeout'];
  const action = values['gate-timeout-action'];
  if (values['no-gate']) {
    if (values.gate || timeout !== undefined || action !== undefined)
      throw new UsageError('--no-gate takes no other gate flag', '--no-gate');
    return undefined;
  }
  const base = fromSettings();
  if (!values.gate && base === undefined) {
    if (timeout !== undefined) throw new UsageError('--gate-timeout needs --gate', '--gate-timeout');
    if (action !== undefined)
      throw new UsageError('--gate-timeout-action needs --gate', '--gate-timeout-action');
    return undefined;
  }
  const { maxMinutes } = GATE_LIMITS[controller];
  const waitSeconds =
    timeout === undefined
      ? (base?.waitSeconds ?? DEFAULT_GATE_SECONDS)
      : durationFlag(timeout, '--gate-timeout', {
          minMs: 1000,
          maxMs: maxMinutes * 60_000,
          why: `the longest hold the stack takes under ${controller} is ${maxMinutes} minutes`,
        }) / 1000;
  return { waitSeconds, onTimeout: timeoutAction(action, controller) ?? base?.onTimeout ?? 'rollback' };
}

function timeoutAction(
  text: string | undefined,
  controller: DeploymentControllerName,
): GateSettings['onTimeout'] | undefined {
  if (text === undefined) return undefined;
  if (text !== 'rollback' && text !== 'continue')
    throw new UsageError(
      `--gate-timeout-action must be rollback or continue, got "${text}"`,
      '--gate-timeout-action',
    );
  if (text === 'continue' && controller === 'codedeploy')
    throw new UsageError(
      `--gate-timeout-action continue: ${CODEDEPLOY_ONLY_ROLLBACK}`,
      '--gate-timeout-action',
    );
  return text;
}
