/**
 * The steps of a release on the `ecs` controller: register the commit's rendered task definition with the
 * image the build pushed, point the service at it with UpdateService (ECS then runs its own blue/green
 * deployment: test shift, hook, production shift, bake time), and read where that service deployment is.
 *
 * Why not CodePipeline's standard "Amazon ECS" deploy action: it takes imagedefinitions.json and creates
 * the new revision from the service's current task definition with only the image replaced (CodePipeline
 * User Guide, "Amazon Elastic Container Service deploy action reference"), so a fault flipped in the
 * commit's taskdef.json would never be released.
 */
import {
  DescribeServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type ECSClient,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { IMAGE_DETAIL_FILE, IMAGE_PLACEHOLDER, TASKDEF_FILE } from '../../../contract/release-file-names';
import { nativeStartCheck, type StartCheckClients } from './start-checks';

/** The service the function deploys, from the environment the pipeline stack sets. */
export interface NativeTarget {
  readonly cluster: string;
  readonly service: string;
}

/** What starting the release did: refused by the checks, or the deployment ECS started. */
export type NativeStart =
  | { readonly started: false; readonly lines: readonly string[] }
  | {
      readonly started: true;
      /** The checks' verdict and warnings, then what was registered and started. */
      readonly lines: readonly string[];
      readonly taskDefinitionArn: string;
      readonly serviceDeploymentArn: string;
    };

/** Where a service deployment is, as one DescribeServiceDeployments saw it. */
export interface DeploymentReading {
  /** `running` until ECS ends it; `failed` for STOPPED, ROLLBACK_* and a deployment ECS no longer describes. */
  readonly outcome: 'running' | 'succeeded' | 'failed';
  /** ECS's status, with the lifecycle stage while it runs (`IN_PROGRESS at BAKE_TIME`). */
  readonly line: string;
  /** ECS's reason, if it gave one. */
  readonly reason: string;
}

const SUCCEEDED: readonly string[] = ['SUCCESSFUL'];
const ENDED_BADLY: readonly string[] = ['STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'];

/** The task definition to register: the rendered file with the image placeholder replaced by the pushed image. */
export function taskDefinitionInput(
  taskdefText: string,
  imageDetailText: string,
): RegisterTaskDefinitionCommandInput {
  const image = (JSON.parse(imageDetailText) as { ImageURI?: unknown }).ImageURI;
  if (typeof image !== 'string' || !image.includes('@sha256:')) {
    throw new Error(
      `${IMAGE_DETAIL_FILE} must hold ImageURI as <repository>@sha256:<digest>, got ${JSON.stringify(image)}`,
    );
  }
  const input = JSON.parse(taskdefText) as RegisterTaskDefinitionCommandInput;
  const placeholder = `<${IMAGE_PLACEHOLDER}>`;
  const containers = input.containerDefinitions ?? [];
  if (!containers.some((c) => c.image === placeholder)) {
    throw new Error(
      `${TASKDEF_FILE} has no container whose image is ${placeholder}; render it with render-release-files first`,
    );
  }
  return {
    ...input,
    containerDefinitions: containers.map((c) => (c.image === placeholder ? { ...c, image } : c)),
  };
}

/**
 * Checks the live weights and alarms, then registers the revision and updates the service. Nothing is
 * registered when the checks refuse.
 */
export async function startNativeDeployment(
  clients: StartCheckClients,
  target: NativeTarget,
  input: RegisterTaskDefinitionCommandInput,
): Promise<NativeStart> {
  const check = await nativeStartCheck(clients, target);
  if (!check.ok) return { started: false, lines: check.lines };
  const registered = await clients.ecs.send(new RegisterTaskDefinitionCommand(input));
  const taskDefinitionArn = registered.taskDefinition?.taskDefinitionArn;
  if (taskDefinitionArn === undefined)
    throw new Error('RegisterTaskDefinition returned no task definition ARN');
  const updated = await clients.ecs.send(
    new UpdateServiceCommand({
      cluster: target.cluster,
      service: target.service,
      taskDefinition: taskDefinitionArn,
    }),
  );
  // The service answers with the deployment that UpdateService started as its current one.
  const serviceDeploymentArn = updated.service?.currentServiceDeployment;
  if (serviceDeploymentArn === undefined) {
    throw new Error(
      `UpdateService on ${target.service} started no service deployment for ${taskDefinitionArn}`,
    );
  }
  return {
    started: true,
    lines: [...check.lines, `registered ${taskDefinitionArn}`, `following ${serviceDeploymentArn}`],
    taskDefinitionArn,
    serviceDeploymentArn,
  };
}

/** Reads the service deployment once. */
export async function readDeployment(
  ecs: ECSClient,
  serviceDeploymentArn: string,
): Promise<DeploymentReading> {
  const { serviceDeployments = [] } = await ecs.send(
    new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [serviceDeploymentArn] }),
  );
  const deployment = serviceDeployments[0];
  if (deployment === undefined)
    return { outcome: 'failed', line: 'UNKNOWN', reason: 'ECS no longer describes the deployment' };
  const status = deployment.status ?? 'UNKNOWN';
  const line = `${status}${deployment.lifecycleStage === undefined ? '' : ` at ${deployment.lifecycleStage}`}`;
  const reason = deployment.statusReason ?? '';
  if (SUCCEEDED.includes(status)) return { outcome: 'succeeded', line, reason };
  if (ENDED_BADLY.includes(status)) return { outcome: 'failed', line, reason };
  return { outcome: 'running', line, reason };
}
