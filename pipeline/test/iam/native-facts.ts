/**
 * Finds the actors of a native blue/green release in the resolved `ecs` templates by what they do: the
 * role and rules the service's load balancer configuration names, the hook and role its lifecycle hook
 * names, the function the abnormal-stop rule targets, the function the Deploy stage invokes. Never by
 * logical ID.
 */
import type { CfnWorld, Located } from './cfn-world';
import type { FactName, PrincipalName } from './iam-contract';
import type { Actor, ReleaseFacts } from './release-facts';

const prop = (found: Located, name: string): unknown => found.resource.Properties?.[name];

function only(world: CfnWorld, type: string, where: (found: Located) => boolean = () => true): Located {
  const matches = world.resourcesOfType(type).filter(where);
  if (matches.length !== 1) throw new Error(`expected one ${type} matching, found ${matches.length}`);
  return matches[0]!;
}

function roleActor(world: CfnWorld, at: Located, roleArnValue: unknown): Actor {
  const arn = world.resolveString(at.stack, roleArnValue);
  return { kind: 'role', stack: at.stack, arn, name: arn.slice(arn.lastIndexOf('/') + 1) };
}

/** The function an ARN names, found among the templates' functions. */
function functionByArn(world: CfnWorld, arn: string): Located {
  return only(world, 'AWS::Lambda::Function', (f) => world.arn(f.stack, f.logicalId) === arn);
}

/**
 * The pipeline's Deploy stage under `ecs`: the function its Lambda invoke action names, the role the action
 * runs with, and the artifact bucket.
 */
function nativeDeployStage(world: CfnWorld): {
  readonly fn: Located;
  readonly actionRole: Actor;
  readonly artifactBucketArn: string;
} {
  const pipeline = only(world, 'AWS::CodePipeline::Pipeline');
  const stages = prop(pipeline, 'Stages') as {
    Name: string;
    Actions: {
      ActionTypeId: { Category: string; Provider: string };
      RoleArn: unknown;
      Configuration: { FunctionName?: unknown };
    }[];
  }[];
  const action = stages.find((s) => s.Name === 'Deploy')?.Actions[0];
  if (action?.ActionTypeId.Provider !== 'Lambda' || action.ActionTypeId.Category !== 'Invoke')
    throw new Error('the Deploy stage invokes no Lambda function');
  const name = world.resolveString(pipeline.stack, action.Configuration.FunctionName);
  const fn = only(world, 'AWS::Lambda::Function', (f) => world.physicalName(f.stack, f.logicalId) === name);
  const bucket = world.resolveString(
    pipeline.stack,
    (prop(pipeline, 'ArtifactStore') as { Location: unknown }).Location,
  );
  return {
    fn,
    actionRole: roleActor(world, pipeline, action.RoleArn),
    artifactBucketArn: `arn:${world.env.partition}:s3:::${bucket}`,
  };
}

/** The native release's principals and the ARNs the native rows refer to. */
export function findNativeFacts(world: CfnWorld): ReleaseFacts {
  const service = only(world, 'AWS::ECS::Service');
  const str = (value: unknown) => world.resolveString(service.stack, value);
  const lb = (
    prop(service, 'LoadBalancers') as {
      TargetGroupArn: unknown;
      AdvancedConfiguration: Record<
        'AlternateTargetGroupArn' | 'ProductionListenerRule' | 'TestListenerRule' | 'RoleArn',
        unknown
      >;
    }[]
  )[0]!;
  const hook = (
    prop(service, 'DeploymentConfiguration') as {
      LifecycleHooks: { HookTargetArn: unknown; RoleArn: unknown }[];
    }
  ).LifecycleHooks[0]!;
  const hookFunction = functionByArn(world, str(hook.HookTargetArn));
  const stopped = only(world, 'AWS::Events::Rule', (rule) =>
    ((prop(rule, 'EventPattern') as { 'detail-type'?: string[] })['detail-type'] ?? []).includes(
      'ECS Task State Change',
    ),
  );
  const guardArn = (prop(stopped, 'Targets') as { Arn: unknown }[])
    .map((t) => world.resolveString(stopped.stack, t.Arn))
    .find((arn) => arn.includes(':lambda:'));
  if (guardArn === undefined) throw new Error('the abnormal-stop rule targets no function');
  const guard = functionByArn(world, guardArn);
  const starts = only(world, 'AWS::Events::Rule', (rule) => {
    const pattern = prop(rule, 'EventPattern') as { detail?: { eventName?: string[] } };
    return pattern.detail?.eventName?.includes('SERVICE_DEPLOYMENT_IN_PROGRESS') === true;
  });
  const watcher = functionByArn(
    world,
    world.resolveString(starts.stack, (prop(starts, 'Targets') as { Arn: unknown }[])[0]!.Arn),
  );
  const serviceArn = world.arn(service.stack, service.logicalId);
  const [, clusterName, serviceName] = serviceArn.split(':').at(-1)!.split('/');
  const { partition, region, account } = world.env;
  const taskDef = only(world, 'AWS::ECS::TaskDefinition');
  const deploy = nativeDeployStage(world);
  const actors: Partial<Record<PrincipalName, Actor>> = {
    'native deploy Lambda': roleActor(world, deploy.fn, prop(deploy.fn, 'Role')),
    'deploy action role': deploy.actionRole,
    'load-balancer role': roleActor(world, service, lb.AdvancedConfiguration.RoleArn),
    'hook invoke role': roleActor(world, service, hook.RoleArn),
    'hook Lambda': roleActor(world, hookFunction, prop(hookFunction, 'Role')),
    'guard Lambda': roleActor(world, guard, prop(guard, 'Role')),
    'watcher Lambda': roleActor(world, watcher, prop(watcher, 'Role')),
  };
  const values: Partial<Record<FactName, string>> = {
    Partition: partition,
    Region: region,
    Account: account,
    ClusterName: clusterName!,
    ServiceName: serviceName!,
    ServiceArn: serviceArn,
    ProductionRuleArn: str(lb.AdvancedConfiguration.ProductionListenerRule),
    TestRuleArn: str(lb.AdvancedConfiguration.TestListenerRule),
    BlueTargetGroupArn: str(lb.TargetGroupArn),
    GreenTargetGroupArn: str(lb.AdvancedConfiguration.AlternateTargetGroupArn),
    HookFunctionArn: world.arn(hookFunction.stack, hookFunction.logicalId),
    GuardFunctionArn: guardArn,
    TaskExecutionRoleArn: world.resolveString(taskDef.stack, prop(taskDef, 'ExecutionRoleArn')),
    TaskRoleArn: world.resolveString(taskDef.stack, prop(taskDef, 'TaskRoleArn')),
    TaskFamily: world.resolveString(taskDef.stack, prop(taskDef, 'Family')),
    NativeDeployFunctionArn: world.arn(deploy.fn.stack, deploy.fn.logicalId),
    ArtifactBucketArn: deploy.artifactBucketArn,
  };
  return {
    actors: actors as Record<PrincipalName, Actor>,
    values: values as Record<FactName, string>,
  };
}
