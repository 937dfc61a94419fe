import { readFileSync } from 'node:fs';
import { expectReleasableFaults } from '../../contract/test/support/taskdef-fixture';
import { join } from 'node:path';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parse } from 'yaml';
import { renderReleaseFiles } from '../release/render-release-files';
import { SAMPLE } from './release/sample-variables';
import { addReleasePipeline } from '../lib/release-pipeline-context';
import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import type { CfnProject } from 'aws-cdk-lib/aws-codebuild';
import type { EcsAppSpec } from '../release/render-appspec';
import type { ReleasePipelineStack } from '../lib/release-pipeline-stack';
import { buildStacks, type BuiltStacks } from './build-stacks';

const ROOT = join(__dirname, '..', '..');
const taskdefText = readFileSync(join(ROOT, 'taskdef.json'), 'utf8');
const appspecText = readFileSync(join(ROOT, 'appspec.yml'), 'utf8');

const CONTEXT = {
  githubConnectionArn:
    'arn:aws:codeconnections:eu-west-1:123456789012:connection/11111111-2222-3333-4444-555555555555',
  githubOwner: 'example-org',
  githubRepo: 'ecs-rollback-rehearsal',
};

let built: BuiltStacks;
let pipelineStack: ReleasePipelineStack;
interface CfnContainer {
  Name: string;
  PortMappings: { ContainerPort: number; Protocol: string }[];
  Memory: number;
  HealthCheck: { Command: string[]; Interval: number; Timeout: number; Retries: number; StartPeriod: number };
  User: string;
  ReadonlyRootFilesystem: boolean;
  LinuxParameters: { InitProcessEnabled: boolean };
  StopTimeout: number;
  LogConfiguration: { LogDriver: string; Options: Record<string, unknown> };
  Environment: { Name: string; Value: unknown }[];
}
interface CfnTaskDefinition {
  Family: string;
  Cpu: string;
  Memory: string;
  NetworkMode: string;
  RequiresCompatibilities: string[];
  RuntimePlatform: { CpuArchitecture: string; OperatingSystemFamily: string };
  ContainerDefinitions: CfnContainer[];
}

let container: CfnContainer;
let taskDefinition: CfnTaskDefinition;

beforeAll(() => {
  built = buildStacks({
    // The task definition and the project's variables only: the functions' code is not read.
    context: { ...CONTEXT, 'aws:cdk:bundling-stacks': [] },
    beforeSynth: (app, service) => {
      pipelineStack = addReleasePipeline(app, service, (key) => app.node.tryGetContext(key))!;
    },
  });
  const resources = built.serviceTemplate().findResources('AWS::ECS::TaskDefinition');
  taskDefinition = Object.values(resources)[0]!.Properties as CfnTaskDefinition;
  container = taskDefinition.ContainerDefinitions[0]!;
});

afterAll(() => built.cleanup());

/** A variable the pipeline sets on the CodeBuild project, unresolved. */
function variable(name: string): unknown {
  const project = pipelineStack.release.project.node.defaultChild as CfnProject;
  const environment = project.environment as { environmentVariables: { name: string; value: unknown }[] };
  return environment.environmentVariables.find((v) => v.name === name)?.value;
}

/** The physical name of the service stack's hook function, as its template sets it. */
function hookFunctionName(): string {
  const logicalId = built.service.getLogicalId(built.service.hookFunction.node.defaultChild as never);
  const resources = built.serviceTemplate().toJSON().Resources as Record<
    string,
    { Properties: { FunctionName: string } }
  >;
  return resources[logicalId]!.Properties.FunctionName;
}

/**
 * The commit's release files rendered with the values the real pipeline gives the build, except that
 * values only known at deploy time (ARNs, the log group name) keep the sample's.
 */
function renderedForRealStack(): { taskdef: RegisterTaskDefinitionCommandInput; appspec: EcsAppSpec } {
  const literal = (name: string): string => {
    const value = variable(name);
    if (typeof value !== 'string') throw new Error(`${name} is not a literal: ${JSON.stringify(value)}`);
    return value;
  };
  const files = renderReleaseFiles(taskdefText, appspecText, {
    ...SAMPLE,
    taskFamily: literal('TASK_FAMILY'),
    containerName: literal('CONTAINER_NAME'),
    hookFunctionName: hookFunctionName(),
  });
  return {
    taskdef: JSON.parse(files['taskdef.json']) as RegisterTaskDefinitionCommandInput,
    appspec: parse(files['appspec.yml']) as EcsAppSpec,
  };
}

describe('release files agree with the synthesized service stack', () => {
  it('render with the family, container name and hook name the real pipeline passes to the build', () => {
    const { taskdef, appspec } = renderedForRealStack();
    expect(taskdef.family).toBe(taskDefinition.Family);
    expect(taskdef.containerDefinitions![0]!.name).toBe(container.Name);
    expect(appspec.Hooks![0]!.AfterAllowTestTraffic).toBe(hookFunctionName());
    expect(JSON.stringify(pipelineStack.resolve(variable('HOOK_FUNCTION_NAME')))).toBe(
      JSON.stringify(pipelineStack.resolve(built.service.hookFunction.functionName)),
    );
  });

  it('describe the same task size and platform as the first revision', () => {
    const { taskdef } = renderedForRealStack();
    expect({
      cpu: taskdef.cpu,
      memory: taskdef.memory,
      networkMode: taskdef.networkMode,
      requiresCompatibilities: taskdef.requiresCompatibilities,
      runtimePlatform: taskdef.runtimePlatform,
    }).toEqual({
      cpu: taskDefinition.Cpu,
      memory: taskDefinition.Memory,
      networkMode: taskDefinition.NetworkMode,
      requiresCompatibilities: taskDefinition.RequiresCompatibilities,
      runtimePlatform: {
        cpuArchitecture: taskDefinition.RuntimePlatform.CpuArchitecture,
        operatingSystemFamily: taskDefinition.RuntimePlatform.OperatingSystemFamily,
      },
    });
  });

  it('describe the same container: port, memory, health check, user, file system, init, stop timeout, logs, variables', () => {
    const c = renderedForRealStack().taskdef.containerDefinitions![0]!;
    expect({
      port: c.portMappings,
      memory: c.memory,
      healthCheck: c.healthCheck,
      user: c.user,
      readonly: c.readonlyRootFilesystem,
      init: c.linuxParameters?.initProcessEnabled,
      stopTimeout: c.stopTimeout,
      logDriver: c.logConfiguration?.logDriver,
      streamPrefix: c.logConfiguration?.options?.['awslogs-stream-prefix'],
      environment: c.environment?.map((e) => e.name).sort(),
    }).toEqual({
      port: container.PortMappings.map((p) => ({
        containerPort: p.ContainerPort,
        protocol: p.Protocol,
      })),
      memory: container.Memory,
      healthCheck: {
        command: container.HealthCheck.Command,
        interval: container.HealthCheck.Interval,
        timeout: container.HealthCheck.Timeout,
        retries: container.HealthCheck.Retries,
        startPeriod: container.HealthCheck.StartPeriod,
      },
      user: container.User,
      readonly: container.ReadonlyRootFilesystem,
      init: container.LinuxParameters.InitProcessEnabled,
      stopTimeout: container.StopTimeout,
      logDriver: container.LogConfiguration.LogDriver,
      streamPrefix: container.LogConfiguration.Options['awslogs-stream-prefix'],
      environment: container.Environment.map((e) => e.Name).sort(),
    });
  });

  // FAULTS is the one value a rehearsal commit changes: the stack's first revision runs healthy, and the
  // committed file may hold any fault list the service accepts.
  it('differ at most in the value of FAULTS: none in the first revision, a releasable list in the file', () => {
    const c = renderedForRealStack().taskdef.containerDefinitions![0]!;
    expect(container.Environment.find((e) => e.Name === 'FAULTS')?.Value).toBe('');
    expect(() =>
      expectReleasableFaults(c.environment?.find((e) => e.name === 'FAULTS')?.value),
    ).not.toThrow();
  });

  it('route the load balancer to the container and port the ECS service registers', () => {
    const service = Object.values(built.serviceTemplate().findResources('AWS::ECS::Service'))[0]!.Properties;
    const { appspec } = renderedForRealStack();
    const lb = appspec.Resources[0].TargetService.Properties.LoadBalancerInfo;
    expect(service.LoadBalancers).toEqual([
      expect.objectContaining({ ContainerName: lb.ContainerName, ContainerPort: lb.ContainerPort }),
    ]);
  });

  it("give the build the service stack's log group, roles and repository", () => {
    const value = (name: string): string => JSON.stringify(pipelineStack.resolve(variable(name)));
    const exportOf = (token: string): string => JSON.stringify(pipelineStack.resolve(token));
    expect(value('LOG_GROUP_NAME')).toBe(exportOf(built.service.logGroup.logGroupName));
    expect(value('TASK_ROLE_ARN')).toBe(exportOf(built.service.taskDefinition.taskRole.roleArn));
    expect(value('TASK_EXECUTION_ROLE_ARN')).toBe(
      exportOf(built.service.taskDefinition.executionRole!.roleArn),
    );
    expect(value('ECR_REPOSITORY_URI')).toBe(exportOf(built.service.repository.repositoryUri));
    expect(container.LogConfiguration.Options['awslogs-group']).toEqual({
      Ref: expect.stringMatching(/Logs/),
    });
  });
});

describe('the release pipeline on the real service stack', () => {
  it('passes cdk-nag AwsSolutions', () => {
    const report = new AwsSolutionsChecks(built.app).validateScope(pipelineStack);
    expect(
      report.violations.map(
        (v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
    ).toEqual([]);
  });
});
