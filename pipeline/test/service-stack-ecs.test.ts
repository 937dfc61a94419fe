/**
 * The service stack under the `ecs` controller: native blue/green with the same alarms, hook and guard
 * the CodeDeploy stack has. Built once with bundling; the second build (aws-cdk#36649) skips bundling.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { settings } from '../../contract/settings';
import { OUTPUT_KEYS } from '../../contract/stack-outputs';
import { TRAFFIC_RULE_PRIORITY } from '../lib/load-balancing';
import { NATIVE_CALLBACK_DELAY_SECONDS } from '../../core/probe/native-hook-answer';
import { buildStacks, type BuiltStacks } from './build-stacks';
import { functionControllers, JOB_FUNCTION_IDS } from './function-controllers';

let built: BuiltStacks;
beforeAll(() => {
  built = buildStacks({ context: { controller: 'ecs' } });
  built.app.synth();
});
afterAll(() => built.cleanup());

const template = () => built.serviceTemplate();
type Resource = { Properties: Record<string, unknown> };
const only = (type: string, props: Record<string, unknown> = {}): [string, Resource] => {
  const found = Object.entries(template().findResources(type, { Properties: props })) as [string, Resource][];
  expect(found).toHaveLength(1);
  return found[0]!;
};
const serviceProps = () => only('AWS::ECS::Service')[1].Properties;

describe('the service on the ECS controller', () => {
  test('runs native CANARY blue/green from the default configuration, baking for the termination wait', () => {
    expect(serviceProps()).toMatchObject({
      DeploymentController: { Type: 'ECS' },
      DeploymentConfiguration: {
        Strategy: 'CANARY',
        CanaryConfiguration: { CanaryPercent: 10, CanaryBakeTimeInMinutes: 5 },
        BakeTimeInMinutes: settings.deployment.terminationWaitMinutes,
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      },
    });
  });

  test('watches every deployment alarm with rollback', () => {
    const alarms = Object.keys(template().findResources('AWS::CloudWatch::Alarm')).sort();
    const config = serviceProps().DeploymentConfiguration as {
      Alarms: { AlarmNames: { Ref: string }[]; Enable: boolean; Rollback: boolean };
    };
    expect(config.Alarms.Enable && config.Alarms.Rollback).toBe(true);
    expect(config.Alarms.AlarmNames.map((a) => a.Ref).sort()).toEqual(alarms);
    expect(alarms.length).toBeGreaterThanOrEqual(8);
  });

  test('names only its task definition family, so a later cdk deploy does not put the first revision back', () => {
    expect(serviceProps().TaskDefinition).toBe(settings.serviceName);
  });

  test('blue is primary; green, both traffic rules and the load-balancer role are the alternate target', () => {
    const [prodRule] = only('AWS::ElasticLoadBalancingV2::ListenerRule', {
      ListenerArn: { Ref: Match.stringLikeRegexp('ProductionListener') },
      Priority: TRAFFIC_RULE_PRIORITY,
    });
    const [testRule] = only('AWS::ElasticLoadBalancingV2::ListenerRule', {
      ListenerArn: { Ref: Match.stringLikeRegexp('TestListener') },
      Priority: TRAFFIC_RULE_PRIORITY,
    });
    const [role] = only('AWS::IAM::Role', {
      ManagedPolicyArns: [
        Match.objectLike({
          'Fn::Join': Match.arrayWith([
            Match.arrayWith([Match.stringLikeRegexp('AmazonECSInfrastructureRolePolicyForLoadBalancers')]),
          ]),
        }),
      ],
    });
    expect(serviceProps().LoadBalancers).toEqual([
      {
        ContainerName: settings.container.name,
        ContainerPort: settings.container.port,
        TargetGroupArn: { Ref: expect.stringMatching(/BlueTargetGroup/) },
        AdvancedConfiguration: {
          AlternateTargetGroupArn: { Ref: expect.stringMatching(/GreenTargetGroup/) },
          ProductionListenerRule: { Ref: prodRule },
          TestListenerRule: { Ref: testRule },
          RoleArn: { 'Fn::GetAtt': [role, 'Arn'] },
        },
      },
    ]);
    template().hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({ Principal: { Service: 'ecs.amazonaws.com' }, Action: 'sts:AssumeRole' }),
        ],
      },
      ManagedPolicyArns: Match.anyValue(),
    });
  });

  test('the rules ECS shifts hold a single forward over both target groups, blue at full weight', () => {
    const rules = template().findResources('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Properties: { Priority: TRAFFIC_RULE_PRIORITY },
    });
    expect(Object.keys(rules)).toHaveLength(2);
    for (const rule of Object.values(rules) as Resource[]) {
      expect(rule.Properties.Actions).toEqual([
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: { Ref: expect.stringMatching(/BlueTargetGroup/) }, Weight: 100 },
              { TargetGroupArn: { Ref: expect.stringMatching(/GreenTargetGroup/) }, Weight: 0 },
            ],
          },
        },
      ]);
      expect(rule.Properties.Conditions).toEqual([
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } },
      ]);
    }
  });

  test('has no CodeDeploy resources and no CodeDeploy outputs', () => {
    for (const type of ['AWS::CodeDeploy::Application', 'AWS::CodeDeploy::DeploymentGroup'])
      template().resourceCountIs(type, 0);
    const outputs = Object.keys(template().findOutputs('*'));
    expect(outputs).not.toContain(OUTPUT_KEYS.codeDeployApplication);
    expect(outputs).not.toContain(OUTPUT_KEYS.deploymentGroup);
    expect(outputs).toContain(OUTPUT_KEYS.hookFunctionName);
  });

  test('names its controller, cluster and service in the outputs, which the tools follow a release by', () => {
    const outputs = template().findOutputs('*');
    expect(outputs[OUTPUT_KEYS.deploymentController]?.Value).toBe('ecs');
    expect(outputs[OUTPUT_KEYS.clusterName]?.Value).toEqual({
      Ref: expect.stringMatching(/^ServiceCluster/),
    });
    expect(outputs[OUTPUT_KEYS.ecsServiceName]?.Value).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^Service/), 'Name'],
    });
  });
});

describe('the test-traffic hook', () => {
  test('runs at POST_TEST_TRAFFIC_SHIFT, invoked by a role only ECS assumes that may invoke only the hook', () => {
    const config = serviceProps().DeploymentConfiguration as {
      LifecycleHooks: {
        HookTargetArn: { 'Fn::GetAtt': [string, string] };
        RoleArn: { 'Fn::GetAtt': [string, string] };
        LifecycleStages: string[];
      }[];
    };
    expect(config.LifecycleHooks).toHaveLength(1);
    const hook = config.LifecycleHooks[0]!;
    expect(hook.LifecycleStages).toEqual(['POST_TEST_TRAFFIC_SHIFT']);
    const fn = hook.HookTargetArn['Fn::GetAtt'][0];
    const role = hook.RoleArn['Fn::GetAtt'][0];
    const roleResource = template().findResources('AWS::IAM::Role')[role] as Resource;
    expect(roleResource.Properties.AssumeRolePolicyDocument).toMatchObject({
      Statement: [{ Principal: { Service: 'ecs.amazonaws.com' }, Action: 'sts:AssumeRole', Effect: 'Allow' }],
    });
    const policies = Object.values(
      template().findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } }),
    ) as Resource[];
    expect(policies.map((p) => p.Properties.PolicyDocument)).toEqual([
      {
        Version: '2012-10-17',
        Statement: [
          { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { 'Fn::GetAtt': [fn, 'Arn'] } },
        ],
      },
    ]);
  });

  test('waits for green between invocations, not inside one: the callback delay is one health-check interval', () => {
    expect(NATIVE_CALLBACK_DELAY_SECONDS).toBe(settings.targetHealthCheck.intervalSeconds);
  });
});

describe('the stopped-task guard and notifications', () => {
  test('the guard and the target-health watcher may stop only this service’s deployments, with ECS’s own API', () => {
    const statements = Object.values(template().findResources('AWS::IAM::Policy')).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } } })
          .Properties.PolicyDocument.Statement,
    );
    const stops = statements.filter((st) => st.Action === 'ecs:StopServiceDeployment');
    expect(stops).toHaveLength(2);
    for (const stop of stops)
      expect(JSON.stringify(stop.Resource)).toMatch(
        /^\[\{"Fn::Join":\["",\["arn:".*":service-deployment\/",\{"Ref":"ServiceCluster\w+"\},"\/",\{"Fn::GetAtt":\["Service\w+","Name"\]\},"\/\*"\]\]\},\{"Ref":"Service\w+"\}\]$/,
      );
    const all = JSON.stringify(template().findResources('AWS::IAM::Policy'));
    expect(all).not.toContain('codedeploy:');
  });

  test('a service deployment starting starts the target-health watcher, which reads both target groups', () => {
    template().hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ecs'],
        'detail-type': ['ECS Deployment State Change'],
        detail: { eventName: ['SERVICE_DEPLOYMENT_IN_PROGRESS'] },
      },
    });
    template().hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          TARGET_GROUP_ARNS: Match.anyValue(),
          CONFIRM_SECONDS: String(settings.targetHealthWatcher.confirmSeconds),
          SERVICE_NAME: Match.anyValue(),
        }),
      },
    });
  });

  test('failed ECS service deployments reach the topic', () => {
    template().hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ecs'],
        'detail-type': ['ECS Deployment State Change'],
        detail: { eventName: ['SERVICE_DEPLOYMENT_FAILED'] },
      },
    });
  });
});

describe('aws-cdk#36649: what a later cdk deploy does to the rules ECS shifts', () => {
  test('a redeploy with other context leaves the rules unchanged, so CloudFormation has nothing to write back over ECS’s weights', () => {
    const later = buildStacks({
      context: { controller: 'ecs', appVersion: 'later', desiredCount: '3', 'aws:cdk:bundling-stacks': [] },
    });
    try {
      const rules = (t: Template) => t.findResources('AWS::ElasticLoadBalancingV2::ListenerRule');
      const after = later.serviceTemplate();
      after.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 3 });
      expect(rules(after)).toEqual(rules(template()));
    } finally {
      later.cleanup();
    }
  });
});

describe('synthesis', () => {
  test('cdk-nag AwsSolutions reports nothing unacknowledged', () => {
    const report = new AwsSolutionsChecks(built.app).validateScope(built.app);
    expect(
      report.violations.map(
        (v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.locations.join(',')).join(' ')}`,
      ),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  test('a bad controller is refused with the choices', () => {
    expect(() => buildStacks({ context: { controller: 'native' } })).toThrow(
      'context controller="native" is not a deployment controller; use one of codedeploy, ecs',
    );
  });
});

describe('one function per job', () => {
  test('the hook, the guard and the watcher keep their logical IDs and are told they run under ecs', () => {
    expect(functionControllers(template())).toEqual(
      Object.fromEntries(JOB_FUNCTION_IDS.map((id) => [id, 'ecs'])),
    );
  });
});
