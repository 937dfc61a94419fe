import { RegisterTaskDefinitionRequest$, type RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { parseFaults } from '../../contract/faults/parse-faults';
import { checkSdkShape } from './check-sdk-shape';
import { fillPlaceholders } from './fill-placeholders';
import { IMAGE_PLACEHOLDER, TASKDEF_FILE } from '../../contract/release-file-names';
import { BUILD_VARIABLES, type BuildVariableKey } from '../../contract/build-variables';
import { settings } from '../../contract/settings';
import { ReleaseInputError } from './release-input-error';
import type { ReleaseVariables } from './release-variables';

/** How to mend a bad flip: the commit is what releases, so the fix is another commit. */
const FAULTS_FIX =
  'Fix: commit a valid value with `npm run rehearse -- flip FAULT[=VALUE] --commit` (or clear it with `npm run rehearse -- flip --clear --commit`) and push';

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

/** Names given twice: ECS would run with one of them and the build checks the other. */
function repeated(names: readonly (string | undefined)[]): string[] {
  return [...new Set(names.filter((name, i) => name !== undefined && names.indexOf(name) !== i))] as string[];
}

/**
 * A field of the template that must be the build variable's placeholder: a value written by hand would
 * point the release at another account's role, log group or region than the service stack's.
 */
function expectFilled(actual: unknown, key: BuildVariableKey, vars: ReleaseVariables, where: string): void {
  if (actual !== vars[key]) {
    throw new ReleaseInputError(
      where,
      `is ${JSON.stringify(actual ?? null)} but the service stack's is ${JSON.stringify(vars[key])}; write "{{${BUILD_VARIABLES[key]}}}" and the build fills it in`,
    );
  }
}

/**
 * The container's port must be the one the service listens on and the target groups send traffic to, and
 * the only one mapped: the metrics listener is reached inside the task (its containers share localhost) and
 * is no load balancer's business. Its port, if written at all, is the settings' one.
 */
function checkPort(container: ContainerDefinition, where: string): void {
  const ports = (container.portMappings ?? []).map((m) => m.containerPort);
  if (ports.length !== 1 || ports[0] !== settings.container.port) {
    throw new ReleaseInputError(
      `${where}.portMappings`,
      `maps ${ports.join(', ') || 'no port'} but the service listens on ${settings.container.port} and the target groups send traffic there (contract/settings.ts); map exactly containerPort ${settings.container.port} (the metrics port ${settings.container.metricsPort} needs no mapping)`,
    );
  }
  const metricsPort = environmentValue(container, 'METRICS_PORT');
  if (metricsPort !== undefined && metricsPort !== String(settings.container.metricsPort)) {
    throw new ReleaseInputError(
      `${where}.environment METRICS_PORT`,
      `is ${JSON.stringify(metricsPort)} but the service's metrics port is ${settings.container.metricsPort} (contract/settings.ts), where scrapers look and FAULTS is checked against; remove METRICS_PORT or set it to "${settings.container.metricsPort}"`,
    );
  }
  const port = environmentValue(container, 'PORT');
  if (port !== undefined && port !== String(settings.container.port)) {
    throw new ReleaseInputError(
      `${where}.environment PORT`,
      `is ${JSON.stringify(port)} but the container maps ${settings.container.port}: the service would listen where no traffic arrives; remove PORT or set it to "${settings.container.port}" (to rehearse that, flip the wrong-port fault)`,
    );
  }
}

function checkContainer(container: ContainerDefinition, vars: ReleaseVariables, where: string): void {
  const twice = repeated((container.environment ?? []).map((entry) => entry.name));
  if (twice.length > 0) {
    throw new ReleaseInputError(
      `${where}.environment`,
      `names ${twice.map((n) => JSON.stringify(n)).join(', ')} more than once; keep one entry each, since ECS would run with one value and this check would read another`,
    );
  }
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
      `${error instanceof Error ? error.message : String(error)}. ${FAULTS_FIX}`,
    );
  }
  if (environmentValue(container, 'APP_VERSION') !== vars.appVersion) {
    throw new ReleaseInputError(
      `${where}.environment`,
      'needs APP_VERSION = "{{APP_VERSION}}" so that the service reports the commit it was built from',
    );
  }
  checkPort(container, where);
  const logOptions = container.logConfiguration?.options ?? {};
  expectFilled(logOptions['awslogs-group'], 'logGroupName', vars, `${where}.logConfiguration awslogs-group`);
  expectFilled(logOptions['awslogs-region'], 'region', vars, `${where}.logConfiguration awslogs-region`);
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
  expectFilled(taskDefinition.executionRoleArn, 'executionRoleArn', vars, `${TASKDEF_FILE} executionRoleArn`);
  expectFilled(taskDefinition.taskRoleArn, 'taskRoleArn', vars, `${TASKDEF_FILE} taskRoleArn`);
  const containers = taskDefinition.containerDefinitions ?? [];
  const names = repeated(containers.map((c) => c.name));
  if (names.length > 0) {
    throw new ReleaseInputError(
      `${TASKDEF_FILE} containerDefinitions`,
      `name ${names.map((n) => JSON.stringify(n)).join(', ')} more than once; each container needs its own name`,
    );
  }
  const withImage = containers.filter((c) => c.image === `<${IMAGE_PLACEHOLDER}>`);
  if (withImage.length > 1) {
    throw new ReleaseInputError(
      `${TASKDEF_FILE} containerDefinitions`,
      `use "<${IMAGE_PLACEHOLDER}>" in ${withImage.length} containers (${withImage.map((c) => JSON.stringify(c.name)).join(', ')}); only the service's container ${JSON.stringify(vars.containerName)} runs the image this build made`,
    );
  }
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
