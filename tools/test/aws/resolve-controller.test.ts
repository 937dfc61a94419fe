import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { OUTPUT_KEYS } from '../../../contract/stack-outputs';
import { controllerOf, releaseTargetOf, resolveReleaseTarget } from '../../src/aws/resolve-controller';
import type { StackOutputs } from '../../src/aws/stack-outputs';
import { testAwsClients } from '../helpers/aws-deps';
import { APPLICATION, DEPLOYMENT_GROUP } from '../helpers/codedeploy-fixtures';
import { nativeServiceStack } from '../helpers/stack-fixtures';

const cloudFormation = mockClient(CloudFormationClient);
const outputs = (values: Record<string, string>): StackOutputs => ({ stackName: 'S', values });

describe('the controller a stack was deployed with', () => {
  it('is the DeploymentController output when the stack has one', () => {
    expect(controllerOf(outputs({ [OUTPUT_KEYS.deploymentController]: 'ecs' }))).toBe('ecs');
    expect(
      controllerOf(
        outputs({ [OUTPUT_KEYS.deploymentController]: 'codedeploy', [OUTPUT_KEYS.deploymentGroup]: 'g' }),
      ),
    ).toBe('codedeploy');
  });

  it('is told by the CodeDeploy outputs for a stack deployed before that output existed', () => {
    expect(controllerOf(outputs({ [OUTPUT_KEYS.deploymentGroup]: DEPLOYMENT_GROUP }))).toBe('codedeploy');
    expect(controllerOf(outputs({ [OUTPUT_KEYS.clusterName]: 'c' }))).toBe('ecs');
  });

  it('refuses a controller these tools do not know, naming it', () => {
    expect(() => controllerOf(outputs({ [OUTPUT_KEYS.deploymentController]: 'argo' }))).toThrow(
      /names controller "argo" in DeploymentController; these tools know codedeploy, ecs/,
    );
  });

  it('names the missing output when the target it needs is not in the stack', () => {
    expect(() => releaseTargetOf(outputs({ [OUTPUT_KEYS.clusterName]: 'c' }), 'ecs')).toThrow(
      /Stack S has no output EcsServiceName/,
    );
    expect(() => releaseTargetOf(outputs({ [OUTPUT_KEYS.codeDeployApplication]: APPLICATION }))).toThrow(
      /has no output ClusterName/,
    );
  });
});

describe('resolveReleaseTarget', () => {
  beforeEach(() => cloudFormation.reset());

  it('reads the stack only for what the flags leave out', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(nativeServiceStack());
    const aws = testAwsClients();
    await expect(resolveReleaseTarget(aws, { cluster: 'c', service: 's' })).resolves.toEqual({
      controller: 'ecs',
      service: { cluster: 'c', service: 's' },
    });
    expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(0);
    await expect(resolveReleaseTarget(aws, { service: 'other' })).resolves.toEqual({
      controller: 'ecs',
      service: { cluster: 'rehearsal-cluster', service: 'other' },
    });
    await expect(resolveReleaseTarget(aws, {})).resolves.toMatchObject({ controller: 'ecs' });
  });
});
