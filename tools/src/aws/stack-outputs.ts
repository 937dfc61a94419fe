import { DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { OutputKey } from '../../../contract/stack-outputs';

/** The outputs of one deployed stack, by output key. */
export interface StackOutputs {
  readonly stackName: string;
  readonly values: Readonly<Record<string, string>>;
}

/** Reads a stack's outputs; the SDK's "Stack ... does not exist" error passes through for the caller to explain. */
export async function readStackOutputs(
  client: CloudFormationClient,
  stackName: string,
): Promise<StackOutputs> {
  const { Stacks = [] } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
  const values: Record<string, string> = {};
  for (const output of Stacks[0]?.Outputs ?? []) {
    if (output.OutputKey && output.OutputValue !== undefined) values[output.OutputKey] = output.OutputValue;
  }
  return { stackName, values };
}

/** One output, or an error that names the stack and the missing key. */
export function requireOutput(outputs: StackOutputs, key: OutputKey): string {
  const value = outputs.values[key];
  if (value === undefined || value === '') {
    throw new Error(
      `Stack ${outputs.stackName} has no output ${key}; deploy the current version of the stacks.`,
    );
  }
  return value;
}
