import { DescribeTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { TaskDefinitionRef } from './deployment-control';

/** The version green should be serving, or why it is unknown. */
export type ExpectedVersion =
  { readonly version: string } | { readonly version?: undefined; readonly unknownBecause: string };

/**
 * Reads `APP_VERSION` from the container environment of the task definition green runs: the controller
 * names it (`DeploymentControl.expectedTaskDefinition`), ECS DescribeTaskDefinition describes it. Never
 * throws; a task definition the controller cannot name, a missing variable or an API error all come back
 * as an unknown version, which the hook's verdict then names.
 */
export async function expectedVersion(
  findTaskDefinition: () => Promise<TaskDefinitionRef>,
  ecs: ECSClient,
  containerName: string,
): Promise<ExpectedVersion> {
  try {
    const found = await findTaskDefinition();
    if (found.arn === undefined) return { unknownBecause: found.unknownBecause };
    const taskDefinition = found.arn;
    const described = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }));
    const container = described.taskDefinition?.containerDefinitions?.find((c) => c.name === containerName);
    if (container === undefined)
      return { unknownBecause: `${taskDefinition} has no container named ${containerName}` };
    const value = container.environment?.find((e) => e.name === 'APP_VERSION')?.value;
    if (value === undefined || value === '') {
      return { unknownBecause: `container ${containerName} in ${taskDefinition} sets no APP_VERSION` };
    }
    return { version: value };
  } catch (error) {
    return {
      unknownBecause: `looking it up failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
