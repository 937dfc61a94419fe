import {
  DescribeServiceRevisionsCommand,
  DescribeTaskDefinitionCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';

/** The version a service revision should be serving, or why it is unknown. */
export type RevisionVersion =
  | { readonly version: string; readonly taskDefinition: string }
  | { readonly version?: undefined; readonly unknownBecause: string };

/**
 * Reads `APP_VERSION` from the container environment of the task definition that an ECS service revision
 * runs: DescribeServiceRevisions, then DescribeTaskDefinition. Never throws; a revision that cannot be
 * read, a missing variable or an API error all come back as an unknown version with the reason.
 */
export async function versionOfRevision(
  ecs: ECSClient,
  serviceRevisionArn: string,
  containerName: string,
): Promise<RevisionVersion> {
  try {
    const { serviceRevisions = [], failures = [] } = await ecs.send(
      new DescribeServiceRevisionsCommand({ serviceRevisionArns: [serviceRevisionArn] }),
    );
    const taskDefinition = serviceRevisions[0]?.taskDefinition;
    if (taskDefinition === undefined) {
      const why = failures[0]?.reason ?? 'no such revision';
      return { unknownBecause: `service revision ${serviceRevisionArn}: ${why}` };
    }
    const described = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }));
    const container = described.taskDefinition?.containerDefinitions?.find((c) => c.name === containerName);
    if (container === undefined)
      return { unknownBecause: `${taskDefinition} has no container named ${containerName}` };
    const value = container.environment?.find((e) => e.name === 'APP_VERSION')?.value;
    if (value === undefined || value === '') {
      return { unknownBecause: `container ${containerName} in ${taskDefinition} sets no APP_VERSION` };
    }
    return { version: value, taskDefinition };
  } catch (error) {
    return {
      unknownBecause: `looking it up failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
