import { GetDeploymentCommand, type CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { DescribeTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { parse } from 'yaml';
import { appSpecFromRevision } from './appspec-from-revision';

/** The version a deployment should be serving, or why it is unknown. */
export type ExpectedVersion =
  { readonly version: string } | { readonly version?: undefined; readonly unknownBecause: string };

/**
 * Reads `APP_VERSION` from the container environment of the task definition that a deployment's AppSpec
 * names: CodeDeploy GetDeployment, then ECS DescribeTaskDefinition. Never throws; an AppSpec that cannot
 * be read (see {@link appSpecFromRevision}), a missing variable or an API error all come back as an unknown
 * version, which the hook's verdict then names.
 */
export async function findExpectedVersion(
  clients: { codedeploy: CodeDeployClient; ecs: ECSClient },
  deploymentId: string,
  containerName: string,
): Promise<ExpectedVersion> {
  try {
    const { deploymentInfo } = await clients.codedeploy.send(new GetDeploymentCommand({ deploymentId }));
    const appSpec = appSpecFromRevision(deploymentInfo?.revision);
    if (appSpec.content === undefined) {
      return { unknownBecause: `deployment ${deploymentId}: ${appSpec.unreadableBecause}` };
    }
    const taskDefinition = taskDefinitionFromAppSpec(appSpec.content);
    if (taskDefinition === undefined) return { unknownBecause: 'the AppSpec names no TaskDefinition' };

    const described = await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }));
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

/** The `TaskDefinition` of the first ECS target service in an AppSpec (YAML or JSON). */
export function taskDefinitionFromAppSpec(content: string): string | undefined {
  const appSpec: unknown = parse(content);
  if (!isRecord(appSpec) || !Array.isArray(appSpec.Resources)) return undefined;
  for (const resource of appSpec.Resources as unknown[]) {
    if (!isRecord(resource)) continue;
    for (const target of Object.values(resource)) {
      if (!isRecord(target) || !isRecord(target.Properties)) continue;
      const taskDefinition = target.Properties.TaskDefinition;
      if (typeof taskDefinition === 'string' && taskDefinition !== '') return taskDefinition;
    }
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
