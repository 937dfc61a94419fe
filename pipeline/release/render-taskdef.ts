import { RegisterTaskDefinitionRequest$, type RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { parseFaults } from '../../contract/faults/parse-faults';
import { checkSdkShape } from './check-sdk-shape';
import { fillPlaceholders } from './fill-placeholders';
import { IMAGE_PLACEHOLDER, TASKDEF_FILE } from '../../contract/release-file-names';
import { ReleaseInputError } from './release-input-error';
import type { ReleaseVariables } from './release-variables';

type ContainerDefinition = NonNullable<RegisterTaskDefinitionCommandInput['containerDefinitions']>[number];

/** Parses JSON text, turning a syntax error into one that names the file. */
export function parseJsonFile(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ReleaseInputError(
      file,
      `is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function environmentValue(container: ContainerDefinition, name: string): string | undefined {
  return container.environment?.find((entry) => entry.name === name)?.value;
}

function checkContainer(container: ContainerDefinition, vars: ReleaseVariables, where: string): void {
  if (container.image !== `<${IMAGE_PLACEHOLDER}>`) {
    throw new ReleaseInputError(
      `${where}.image`,
      `must be "<${IMAGE_PLACEHOLDER}>" so CodePipeline puts the image built by this run there, got ${JSON.stringify(container.image)}`,
    );
  }
  const faults = environmentValue(container, 'FAULTS');
  if (faults === undefined) {
    throw new ReleaseInputError(
      `${where}.environment`,
      'needs a FAULTS entry ("" for a healthy release) so that a fault flip registers a new revision',
    );
  }
  try {
    parseFaults(faults);
  } catch (error) {
    throw new ReleaseInputError(
      `${where}.environment FAULTS`,
      error instanceof Error ? error.message : String(error),
    );
  }
  if (environmentValue(container, 'APP_VERSION') !== vars.appVersion) {
    throw new ReleaseInputError(
      `${where}.environment`,
      'needs APP_VERSION = "{{APP_VERSION}}" so that the service reports the commit it was built from',
    );
  }
}

/**
 * Renders `taskdef.json`: fills the account-specific placeholders from the build variables and checks the
 * result against the ECS RegisterTaskDefinition input shape and this project's release rules (the
 * deployed container keeps CodePipeline's image placeholder, its FAULTS parse, its family and name match the
 * service stack). Throws {@link ReleaseInputError} naming the first problem; nothing is returned half-done.
 */
export function renderTaskDefinition(
  templateText: string,
  vars: ReleaseVariables,
): RegisterTaskDefinitionCommandInput {
  const filled = fillPlaceholders(parseJsonFile(templateText, TASKDEF_FILE), vars, TASKDEF_FILE);
  const problems = checkSdkShape(RegisterTaskDefinitionRequest$, filled, TASKDEF_FILE);
  if (problems.length > 0) {
    throw new ReleaseInputError(
      TASKDEF_FILE,
      `does not fit ECS RegisterTaskDefinition:\n  ${problems.join('\n  ')}`,
    );
  }
  const taskDefinition = filled as RegisterTaskDefinitionCommandInput;
  if (taskDefinition.family !== vars.taskFamily) {
    throw new ReleaseInputError(
      `${TASKDEF_FILE} family`,
      `is ${JSON.stringify(taskDefinition.family)} but the service uses ${JSON.stringify(vars.taskFamily)}; write "{{TASK_FAMILY}}"`,
    );
  }
  const containers = taskDefinition.containerDefinitions ?? [];
  const index = containers.findIndex((c) => c.name === vars.containerName);
  const container = containers[index];
  if (container === undefined) {
    throw new ReleaseInputError(
      `${TASKDEF_FILE} containerDefinitions`,
      `has no container named ${JSON.stringify(vars.containerName)} (the service stack's container); found ${containers.map((c) => JSON.stringify(c.name)).join(', ')}`,
    );
  }
  checkContainer(container, vars, `${TASKDEF_FILE} containerDefinitions[${index}]`);
  return taskDefinition;
}
