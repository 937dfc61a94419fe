import { OUTPUT_KEYS, STACK_NAMES } from '../../../contract/stack-outputs';
import type { AwsClients } from './clients';
import type { DeploymentGroupRef } from './find-deployment';
import { readStackOutputs, requireOutput } from './stack-outputs';

/** The deployment group from flags, or else from the service stack's outputs. */
export async function resolveDeploymentGroup(
  aws: AwsClients,
  flags: {
    application?: string | undefined;
    deploymentGroup?: string | undefined;
    stack?: string | undefined;
  },
): Promise<DeploymentGroupRef> {
  if (flags.application !== undefined && flags.deploymentGroup !== undefined) {
    return { application: flags.application, deploymentGroup: flags.deploymentGroup };
  }
  const outputs = await readStackOutputs(aws.cloudFormation(), flags.stack ?? STACK_NAMES.service);
  return {
    application: flags.application ?? requireOutput(outputs, OUTPUT_KEYS.codeDeployApplication),
    deploymentGroup: flags.deploymentGroup ?? requireOutput(outputs, OUTPUT_KEYS.deploymentGroup),
  };
}
