import { OUTPUT_KEYS, STACK_NAMES } from '../../../contract/stack-outputs';
import type { AwsClients } from '../aws/clients';
import { readStackOutputs, requireOutput } from '../aws/stack-outputs';

/** The release pipeline's name: the flag when given, else the pipeline stack's `PipelineName` output. */
export async function pipelineName(
  aws: AwsClients,
  flags: { readonly pipeline?: string | undefined; readonly stack?: string | undefined } = {},
): Promise<string> {
  if (flags.pipeline !== undefined) return flags.pipeline;
  const outputs = await readStackOutputs(aws.cloudFormation(), flags.stack ?? STACK_NAMES.pipeline);
  return requireOutput(outputs, OUTPUT_KEYS.pipelineName);
}
