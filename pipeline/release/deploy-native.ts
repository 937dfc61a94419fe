#!/usr/bin/env node
/**
 * The deploy step of a release on the `ecs` controller, run by the pipeline's Deploy stage in CodeBuild:
 * registers the commit's rendered task definition with the image this run pushed, points the service at
 * it with UpdateService (ECS then runs its own blue/green deployment: test shift, hook, production shift,
 * bake time), and waits for that service deployment to end. SUCCESSFUL exits 0; a deployment that ECS
 * stopped or rolled back (alarm, hook, circuit breaker, the stopped-task guard) exits 1 with ECS's reason,
 * which fails the pipeline execution.
 *
 * Why not CodePipeline's standard "Amazon ECS" deploy action: it takes imagedefinitions.json and creates
 * the new revision from the service's current task definition with only the image replaced (CodePipeline
 * User Guide, "Amazon Elastic Container Service deploy action reference"), so a fault flipped in the
 * commit's taskdef.json would never be released.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  DescribeServiceDeploymentsCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type RegisterTaskDefinitionCommandInput,
  type ServiceDeploymentStatus,
} from '@aws-sdk/client-ecs';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { IMAGE_DETAIL_FILE, IMAGE_PLACEHOLDER, TASKDEF_FILE } from '../../contract/release-file-names';
import { nativeStartCheck, type StartCheckClients } from './native-start-checks';

/** Where the step deploys, from the variables the pipeline stack sets on the deploy project. */
export interface NativeTarget {
  readonly cluster: string;
  readonly service: string;
}

export interface DeployNativeDeps extends StartCheckClients {
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: (line: string) => void;
  /** Pause between two reads of the deployment's state. */
  readonly pollMs: number;
}

/** How the deployment ended, and ECS's reason. */
export interface NativeDeployResult {
  readonly ok: boolean;
  readonly taskDefinitionArn: string;
  readonly serviceDeploymentArn: string;
  /** `NOT_STARTED`: the checks before the deployment refused it, and nothing was registered. */
  readonly status: ServiceDeploymentStatus | 'UNKNOWN' | 'NOT_STARTED';
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
 * Checks the live weights and alarms, registers, updates the service, and follows the service deployment
 * until it ends.
 */
export async function deployNative(
  deps: DeployNativeDeps,
  target: NativeTarget,
  input: RegisterTaskDefinitionCommandInput,
): Promise<NativeDeployResult> {
  const check = await nativeStartCheck(deps, target);
  for (const line of check.lines) deps.log(line);
  if (!check.ok) {
    return {
      ok: false,
      taskDefinitionArn: '',
      serviceDeploymentArn: '',
      status: 'NOT_STARTED',
      reason: check.lines.join('; '),
    };
  }
  const registered = await deps.ecs.send(new RegisterTaskDefinitionCommand(input));
  const taskDefinitionArn = registered.taskDefinition?.taskDefinitionArn;
  if (taskDefinitionArn === undefined)
    throw new Error('RegisterTaskDefinition returned no task definition ARN');
  deps.log(`registered ${taskDefinitionArn}`);

  const updated = await deps.ecs.send(
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
  deps.log(`following ${serviceDeploymentArn}`);

  let last = '';
  for (;;) {
    const { serviceDeployments = [] } = await deps.ecs.send(
      new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [serviceDeploymentArn] }),
    );
    const deployment = serviceDeployments[0];
    const status = deployment?.status ?? 'UNKNOWN';
    const line = `${status}${deployment?.lifecycleStage === undefined ? '' : ` at ${deployment.lifecycleStage}`}`;
    if (line !== last) deps.log(line);
    last = line;
    const reason = deployment?.statusReason ?? '';
    if (SUCCEEDED.includes(status))
      return { ok: true, taskDefinitionArn, serviceDeploymentArn, status, reason };
    if (ENDED_BADLY.includes(status) || deployment === undefined) {
      return {
        ok: false,
        taskDefinitionArn,
        serviceDeploymentArn,
        status,
        reason: deployment === undefined ? 'ECS no longer describes the deployment' : reason,
      };
    }
    await deps.sleep(deps.pollMs);
  }
}

const USAGE = `Usage: node dist/pipeline/release/deploy-native.js --release <dir>

Registers <dir>/${TASKDEF_FILE} with the image of <dir>/${IMAGE_DETAIL_FILE}, updates the ECS service named by
CLUSTER_NAME and SERVICE_NAME to it, and waits for the native blue/green deployment to end.`;

/** The command line; returns the exit code. */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  deps: DeployNativeDeps,
): Promise<number> {
  let dir: string | undefined;
  try {
    dir = parseArgs({ args: [...argv], options: { release: { type: 'string' } }, strict: true }).values
      .release;
  } catch (error) {
    deps.log(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const { CLUSTER_NAME, SERVICE_NAME } = env;
  if (dir === undefined || !CLUSTER_NAME || !SERVICE_NAME) {
    deps.log(
      `--release, CLUSTER_NAME and SERVICE_NAME are required (the pipeline stack sets the variables)\n${USAGE}`,
    );
    return 2;
  }
  const input = taskDefinitionInput(
    await readFile(join(dir, TASKDEF_FILE), 'utf8'),
    await readFile(join(dir, IMAGE_DETAIL_FILE), 'utf8'),
  );
  const result = await deployNative(deps, { cluster: CLUSTER_NAME, service: SERVICE_NAME }, input);
  deps.log(
    result.ok
      ? `released ${result.taskDefinitionArn}`
      : result.status === 'NOT_STARTED'
        ? 'no deployment started'
        : `deployment ${result.serviceDeploymentArn} ended ${result.status}: ${result.reason || 'no reason given'}`,
  );
  return result.ok ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2), process.env, {
    ecs: new ECSClient({}),
    elbv2: new ElasticLoadBalancingV2Client({}),
    cloudwatch: new CloudWatchClient({}),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log: (line) => console.log(line),
    pollMs: 15_000,
  }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
