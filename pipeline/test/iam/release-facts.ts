/**
 * Finds, in the resolved templates, who acts during a release and on what: each principal is found by
 * what it does (the deployment group's service role, the task definition the ECS service runs, the
 * function appspec.yml names as its hook, the actions of the pipeline), never by logical ID, so a
 * refactoring that renames a construct cannot make the contract check a different role.
 */
import type { CfnWorld, Located } from './cfn-world';
import type { FactName, PrincipalName } from './iam-contract';

/** Who makes a call: a role (its identity policies apply) or an AWS service principal. */
export type Actor =
  | { readonly kind: 'role'; readonly stack: string; readonly arn: string; readonly name: string }
  | { readonly kind: 'service'; readonly service: string };

/** The release's principals and the ARNs and names the contract's rows refer to. */
export interface ReleaseFacts {
  readonly actors: Readonly<Record<PrincipalName, Actor>>;
  readonly values: Readonly<Record<FactName, string>>;
}

/** Where to read the hook's function name: appspec.yml's AfterAllowTestTraffic entry. */
export interface ReleaseInputs {
  readonly hookFunctionName: string;
}

function only(world: CfnWorld, type: string, where: (found: Located) => boolean = () => true): Located {
  const matches = world.resourcesOfType(type).filter(where);
  if (matches.length !== 1) throw new Error(`expected one ${type} matching, found ${matches.length}`);
  return matches[0]!;
}

const prop = (found: Located, name: string): unknown => found.resource.Properties?.[name];

function roleActor(world: CfnWorld, at: Located, roleArnValue: unknown): Actor {
  const arn = world.resolveString(at.stack, roleArnValue);
  return { kind: 'role', stack: at.stack, arn, name: arn.slice(arn.lastIndexOf('/') + 1) };
}

/** The function a `{ Fn::GetAtt: [fn, Arn] }` target names, and its execution role. */
function functionRole(world: CfnWorld, fn: Located): Actor {
  return roleActor(world, fn, prop(fn, 'Role'));
}

/** The rule for `detailType`; with `state`, the one whose pattern matches that CodeDeploy state. */
function eventRule(world: CfnWorld, detailType: string, state?: string): Located {
  return only(world, 'AWS::Events::Rule', (rule) => {
    const pattern = prop(rule, 'EventPattern') as
      { 'detail-type'?: string[]; detail?: { state?: string[] } } | undefined;
    const matchesState = state === undefined || pattern?.detail?.state?.includes(state) === true;
    return pattern?.['detail-type']?.includes(detailType) === true && matchesState;
  });
}

function ruleTargets(world: CfnWorld, rule: Located): { arn: string; value: unknown }[] {
  const targets = prop(rule, 'Targets') as { Arn: unknown }[];
  return targets.map((t) => ({ arn: world.resolveString(rule.stack, t.Arn), value: t.Arn }));
}

function pipelineActionRole(world: CfnWorld, provider: string): { actor: Actor; configuration: unknown } {
  const pipeline = only(world, 'AWS::CodePipeline::Pipeline');
  const stages = prop(pipeline, 'Stages') as {
    Actions: { ActionTypeId: { Provider: string }; RoleArn: unknown; Configuration: unknown }[];
  }[];
  const action = stages.flatMap((s) => s.Actions).find((a) => a.ActionTypeId.Provider === provider);
  if (action === undefined) throw new Error(`the pipeline has no ${provider} action`);
  return { actor: roleActor(world, pipeline, action.RoleArn), configuration: action.Configuration };
}

type Values = Partial<Record<FactName, string>>;
type Actors = Partial<Record<PrincipalName, Actor>>;

const str = (world: CfnWorld, at: Located, value: unknown): string => world.resolveString(at.stack, value);

function regionalArn(world: CfnWorld, service: string, resource: string): string {
  const { partition, region, account } = world.env;
  return `arn:${partition}:${service}:${region}:${account}:${resource}`;
}

/** The deployment group and what it deploys: its role, the ECS service, its task definition and roles. */
function deploymentFacts(world: CfnWorld, hookFunctionName: string): { actors: Actors; values: Values } {
  const group = only(world, 'AWS::CodeDeploy::DeploymentGroup');
  const application = str(world, group, prop(group, 'ApplicationName'));
  const target = (prop(group, 'ECSServices') as { ClusterName: unknown; ServiceName: unknown }[])[0]!;
  const [clusterName, serviceName] = [
    str(world, group, target.ClusterName),
    str(world, group, target.ServiceName),
  ];
  const route = (
    prop(group, 'LoadBalancerInfo') as {
      TargetGroupPairInfoList: Record<string, { ListenerArns: unknown[] }>[];
    }
  ).TargetGroupPairInfoList[0]!;
  const alarms = (prop(group, 'AlarmConfiguration') as { Alarms: { Name: unknown }[] }).Alarms;
  // CDK writes only the family into a CODE_DEPLOY service; the task definition is the one of that family.
  const service = only(world, 'AWS::ECS::Service', (s) =>
    world.arn(s.stack, s.logicalId).endsWith(`/${serviceName}`),
  );
  const family = str(world, service, prop(service, 'TaskDefinition'));
  const taskDef = only(world, 'AWS::ECS::TaskDefinition', (t) => str(world, t, prop(t, 'Family')) === family);
  const containers = prop(taskDef, 'ContainerDefinitions') as {
    LogConfiguration: { Options: Record<string, unknown> };
  }[];
  const hook = only(
    world,
    'AWS::Lambda::Function',
    (f) => world.physicalName(f.stack, f.logicalId) === hookFunctionName,
  );
  return {
    actors: {
      'CodeDeploy role': roleActor(world, group, prop(group, 'ServiceRoleArn')),
      'task execution role': roleActor(world, taskDef, prop(taskDef, 'ExecutionRoleArn')),
      'task role': roleActor(world, taskDef, prop(taskDef, 'TaskRoleArn')),
      'hook Lambda': functionRole(world, hook),
    },
    values: {
      ClusterName: clusterName,
      ServiceName: serviceName,
      ServiceArn: regionalArn(world, 'ecs', `service/${clusterName}/${serviceName}`),
      TaskFamily: family,
      TaskExecutionRoleArn: str(world, taskDef, prop(taskDef, 'ExecutionRoleArn')),
      TaskRoleArn: str(world, taskDef, prop(taskDef, 'TaskRoleArn')),
      ContainerLogGroup: str(world, taskDef, containers[0]!.LogConfiguration.Options['awslogs-group']),
      ApplicationArn: regionalArn(world, 'codedeploy', `application:${application}`),
      DeploymentGroupArn: regionalArn(
        world,
        'codedeploy',
        `deploymentgroup:${application}/${world.physicalName(group.stack, group.logicalId)}`,
      ),
      DeploymentConfigArn: regionalArn(
        world,
        'codedeploy',
        `deploymentconfig:${str(world, group, prop(group, 'DeploymentConfigName'))}`,
      ),
      ProductionListenerArn: str(world, group, route.ProdTrafficRoute!.ListenerArns[0]),
      TestListenerArn: str(world, group, route.TestTrafficRoute!.ListenerArns[0]),
      AlarmArn: regionalArn(world, 'cloudwatch', `alarm:${str(world, group, alarms[0]!.Name)}`),
      HookFunctionArn: world.arn(hook.stack, hook.logicalId),
      RepositoryArn: world.arn(...locate(only(world, 'AWS::ECR::Repository'))),
    },
  };
}

const locate = (found: Located): [string, string] => [found.stack, found.logicalId];

/** The EventBridge rules: abnormal task stops (to the guard and a log group), deployment states (to SNS). */
function eventFacts(world: CfnWorld): { actors: Actors; values: Values } {
  const stopped = eventRule(world, 'ECS Task State Change');
  const targets = ruleTargets(world, stopped);
  const guard = targets.find((t) => t.arn.includes(':lambda:'));
  const logGroup = targets.find((t) => t.arn.includes(':logs:'));
  if (guard === undefined || logGroup === undefined) {
    throw new Error('the abnormal-stop rule must target a function and a log group');
  }
  const states = eventRule(world, 'CodeDeploy Deployment State-change Notification', 'FAILURE');
  const starts = eventRule(world, 'CodeDeploy Deployment State-change Notification', 'START');
  const watcher = ruleTargets(world, starts)[0]!;
  return {
    actors: {
      'guard Lambda': functionRole(world, world.target(stopped.stack, guard.value)),
      'watcher Lambda': functionRole(world, world.target(starts.stack, watcher.value)),
      EventBridge: { kind: 'service', service: 'events.amazonaws.com' },
      'CodeStar Notifications': { kind: 'service', service: 'codestar-notifications.amazonaws.com' },
    },
    values: {
      GuardFunctionArn: guard.arn,
      WatcherFunctionArn: watcher.arn,
      DeploymentStartRuleArn: world.arn(...locate(starts)),
      StoppedTasksRuleArn: world.arn(...locate(stopped)),
      StoppedTasksLogGroupArn: logGroup.arn,
      DeploymentStateRuleArn: world.arn(...locate(states)),
      TopicArn: ruleTargets(world, states)[0]!.arn,
    },
  };
}

/** The pipeline: the role of each action, the build project's role, the connection and artifact bucket. */
function pipelineFacts(world: CfnWorld): { actors: Actors; values: Values } {
  const source = pipelineActionRole(world, 'CodeStarSourceConnection');
  const project = only(world, 'AWS::CodeBuild::Project');
  const pipeline = only(world, 'AWS::CodePipeline::Pipeline');
  const bucket = str(world, pipeline, (prop(pipeline, 'ArtifactStore') as { Location: unknown }).Location);
  return {
    actors: {
      'source action role': source.actor,
      'build action role': pipelineActionRole(world, 'CodeBuild').actor,
      'deploy action role': pipelineActionRole(world, 'CodeDeployToECS').actor,
      'CodeBuild role': roleActor(world, project, prop(project, 'ServiceRole')),
    },
    values: {
      ConnectionArn: str(world, pipeline, (source.configuration as { ConnectionArn: unknown }).ConnectionArn),
      ProjectArn: world.arn(...locate(project)),
      ProjectName: world.physicalName(...locate(project)),
      ArtifactBucketArn: `arn:${world.env.partition}:s3:::${bucket}`,
    },
  };
}

/** Reads the release's principals and named values from the templates. */
export function findReleaseFacts(world: CfnWorld, inputs: ReleaseInputs): ReleaseFacts {
  const parts = [deploymentFacts(world, inputs.hookFunctionName), eventFacts(world), pipelineFacts(world)];
  const { partition, region, account } = world.env;
  return {
    actors: Object.assign({}, ...parts.map((p) => p.actors)) as Record<PrincipalName, Actor>,
    values: Object.assign(
      { Partition: partition, Region: region, Account: account },
      ...parts.map((p) => p.values),
    ) as Record<FactName, string>,
  };
}
