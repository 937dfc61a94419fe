/**
 * How `watch` and `drill` end: once the controller reports success or a rollback, read what the service
 * runs and turn a disagreement into its own outcome, `mismatch`. The controller's status is what deploy
 * tools have trusted when they reported success for a service that ended on another revision
 * (aws-actions/amazon-ecs-deploy-task-definition issues 191 and 494).
 */
import type { WatchOutcome, WatchResult } from '../watch-deployment';
import type { NativeWatchResult } from '../watch-native';
import type { AwsClients } from '../clients';
import { describeError } from '../describe-error';
import {
  checkCodeDeployRuns,
  checkNativeRuns,
  type ReleaseEnd,
  type WhatRunsCheck,
  type WhatRunsClients,
} from './what-runs';

/** The outcomes that say what the service should now run; any other leaves nothing to confirm. */
const ENDS: Partial<Record<WatchOutcome, ReleaseEnd>> = {
  succeeded: 'succeeded',
  'rolled-back': 'rolled-back',
};

/** The clients the reads need, from the command's. */
export const whatRunsClients = (aws: AwsClients): WhatRunsClients => ({ ecs: aws.ecs(), elbv2: aws.elbv2() });

/** A check that could not be read counts against the release: nothing confirmed what the outcome says. */
async function readCheck(expected: string, read: () => Promise<WhatRunsCheck>): Promise<WhatRunsCheck> {
  try {
    return await read();
  } catch (error) {
    return {
      ok: false,
      expected,
      runs: 'unknown',
      problems: [`could not read what the service runs: ${describeError(error)}`],
    };
  }
}

function settle<R extends { readonly outcome: WatchOutcome }>(result: R, whatRuns: WhatRunsCheck): R {
  return whatRuns.ok
    ? { ...result, whatRuns }
    : { ...result, outcome: 'mismatch', reportedOutcome: result.outcome, whatRuns };
}

/** A CodeDeploy deployment's result, with what the service runs and `mismatch` when it disagrees. */
export async function confirmCodeDeployRelease(
  clients: WhatRunsClients,
  result: WatchResult,
): Promise<WatchResult> {
  const end = ENDS[result.outcome];
  if (end === undefined) return result;
  const { service, taskSets = [] } = result;
  const expected = `the ${end === 'succeeded' ? 'Green' : 'Blue'} task set`;
  const check = await readCheck(expected, () => {
    if (!service) throw new Error('CodeDeploy named no ECS service as the deployment target');
    return checkCodeDeployRuns(clients, service, end, taskSets);
  });
  return settle(result, check);
}

/** A native service deployment's result, with what the service runs and `mismatch` when it disagrees. */
export async function confirmNativeRelease(
  clients: WhatRunsClients,
  result: NativeWatchResult,
): Promise<NativeWatchResult> {
  const end = ENDS[result.outcome];
  if (end === undefined) return result;
  const { service } = result;
  const expected = `the deployment's ${end === 'succeeded' ? 'target' : 'source'} revision`;
  const check = await readCheck(expected, () => {
    if (!service) throw new Error('ECS named no cluster and service for the service deployment');
    return checkNativeRuns(clients, service, end, result.deploymentArn);
  });
  return settle(result, check);
}

/** The lines `watch` and `drill` print under the controller's summary. */
export function formatWhatRuns(check: WhatRunsCheck | undefined, reported?: WatchOutcome): string[] {
  if (check === undefined) return [];
  if (check.ok) return [`  what runs: ${check.runs}, as expected, every task healthy where production goes`];
  return [
    `  what runs does NOT match${reported ? ` the reported outcome (${reported})` : ''}:`,
    `    expected: ${check.expected}`,
    `    runs:     ${check.runs}`,
    ...check.problems.map((p) => `    - ${p}`),
  ];
}
