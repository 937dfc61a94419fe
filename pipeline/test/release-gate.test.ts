/**
 * The gate in the synthesized templates: off by default under both controllers, and when chosen a
 * DeploymentReadyOption that stops at its end (CodeDeploy) or a PAUSE hook after the test-traffic hook
 * (native ECS). Template() alone (no app.synth()) skips writing the assembly.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { Template } from 'aws-cdk-lib/assertions';
import { parseGate } from '../lib/release-gate';
import { addReleasePipeline } from '../lib/release-pipeline-context';
import type { ReleasePipelineStack } from '../lib/release-pipeline-stack';
import { buildStacks } from './build-stacks';

type Hooks = { LifecycleHooks: Record<string, unknown>[] };

function templateWith(context: Record<string, unknown>) {
  const built = buildStacks({ context });
  try {
    return built.serviceTemplate();
  } finally {
    built.cleanup();
  }
}

describe('the gate under CodeDeploy', () => {
  test('off: traffic moves as soon as the hooks pass (CONTINUE_DEPLOYMENT, no wait)', () => {
    templateWith({}).hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      BlueGreenDeploymentConfiguration: Match.objectLike({
        DeploymentReadyOption: { ActionOnTimeout: 'CONTINUE_DEPLOYMENT', WaitTimeInMinutes: 0 },
      }),
    });
  });

  test('on: the deployment waits for ContinueDeployment and is stopped at the end of the wait', () => {
    templateWith({ gate: { waitMinutes: 30 } }).hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      BlueGreenDeploymentConfiguration: Match.objectLike({
        DeploymentReadyOption: { ActionOnTimeout: 'STOP_DEPLOYMENT', WaitTimeInMinutes: 30 },
      }),
    });
  });
});

describe('the gate under native ECS', () => {
  test('off: the test-traffic hook is the only lifecycle hook', () => {
    const service = Object.values(
      templateWith({ controller: 'ecs' }).findResources('AWS::ECS::Service'),
    )[0] as {
      Properties: { DeploymentConfiguration: Hooks };
    };
    expect(service.Properties.DeploymentConfiguration.LifecycleHooks).toHaveLength(1);
  });

  test('on: a PAUSE hook at POST_TEST_TRAFFIC_SHIFT, after the Lambda hook, with its timeout and action', () => {
    const template = templateWith({
      controller: 'ecs',
      gate: '{"waitMinutes": 45, "onTimeout": "continue"}',
    });
    const service = Object.values(template.findResources('AWS::ECS::Service'))[0] as {
      Properties: { DeploymentConfiguration: Hooks };
    };
    const hooks = service.Properties.DeploymentConfiguration.LifecycleHooks;
    expect(hooks).toHaveLength(2);
    expect(hooks[0]).toMatchObject({
      LifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
      HookTargetArn: expect.anything(),
    });
    expect(hooks[1]).toEqual({
      TargetType: 'PAUSE',
      LifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
      TimeoutConfiguration: { TimeoutInMinutes: 45, Action: 'CONTINUE' },
    });
  });
});

describe('the pipeline with a gate under native ECS', () => {
  test('the native deploy step waits through the longest hold on top of its own 90 minutes', () => {
    let pipeline: ReleasePipelineStack | undefined;
    const built = buildStacks({
      context: {
        controller: 'ecs',
        gate: { waitMinutes: 120 },
        'aws:cdk:bundling-stacks': [],
        githubConnectionArn:
          'arn:aws:codeconnections:eu-west-1:123456789012:connection/11111111-2222-3333-4444-555555555555',
        githubOwner: 'example-org',
        githubRepo: 'ecs-rollback-rehearsal',
      },
      beforeSynth: (app, service) => {
        pipeline = addReleasePipeline(app, service, (key) => app.node.tryGetContext(key));
      },
    });
    try {
      Template.fromStack(pipeline!).hasResourceProperties('AWS::CodeBuild::Project', {
        Description: Match.stringLikeRegexp('native ECS blue/green'),
        TimeoutInMinutes: 210,
      });
    } finally {
      built.cleanup();
    }
  });
});

describe('the gate setting', () => {
  test('defaults onTimeout to rollback and reads -c text as JSON', () => {
    expect(parseGate({ waitMinutes: 10 }, 'codedeploy')).toEqual({ waitMinutes: 10, onTimeout: 'rollback' });
    expect(parseGate('{"waitMinutes":5,"onTimeout":"continue"}', 'ecs')).toEqual({
      waitMinutes: 5,
      onTimeout: 'continue',
    });
    expect(parseGate(undefined, 'ecs')).toBeUndefined();
  });

  test('refuses a bad wait, an unknown key, and "continue" under CodeDeploy, naming the fix', () => {
    expect(() => parseGate({ waitMinutes: 0 }, 'ecs')).toThrow(/waitMinutes=0 .* from 1 to 20160/);
    expect(() => parseGate({ waitMinutes: 3000 }, 'codedeploy')).toThrow(/from 1 to 2880/);
    expect(() => parseGate({ waitMinutes: 5, timeout: 3 }, 'ecs')).toThrow(/timeout is not a gate setting/);
    expect(() => parseGate({ waitMinutes: 5, onTimeout: 'ROLLBACK' }, 'ecs')).toThrow(
      /"rollback" or "continue"/,
    );
    expect(() => parseGate({ waitMinutes: 5, onTimeout: 'continue' }, 'codedeploy')).toThrow(
      /needs the ecs controller/,
    );
    expect(() => parseGate('{waitMinutes', 'ecs')).toThrow(/is not JSON/);
  });
});
