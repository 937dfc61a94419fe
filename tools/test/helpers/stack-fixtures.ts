import type { DescribeStacksOutput } from '@aws-sdk/client-cloudformation';
import { OUTPUT_KEYS, STACK_NAMES } from '../../../contract/stack-outputs';
import { APPLICATION, DEPLOYMENT_GROUP, at } from './codedeploy-fixtures';

export const ALARM_NAMES = [
  'RollbackRehearsal-UnhealthyHosts-Blue',
  'RollbackRehearsal-UnhealthyHosts-Green',
  'RollbackRehearsal-Target5xx-Blue',
];

/** DescribeStacks for the deployed service stack, shaped as CloudFormation returns it. */
export function serviceStack(
  albUrl = 'http://rehearsal-alb-123.eu-west-1.elb.amazonaws.com/',
): DescribeStacksOutput {
  return stackWith({
    ...commonOutputs(albUrl),
    [OUTPUT_KEYS.codeDeployApplication]: APPLICATION,
    [OUTPUT_KEYS.deploymentGroup]: DEPLOYMENT_GROUP,
  });
}

/** The service stack deployed with `-c controller=ecs`: no CodeDeploy outputs, its controller named. */
export function nativeServiceStack(
  albUrl = 'http://rehearsal-alb-123.eu-west-1.elb.amazonaws.com/',
): DescribeStacksOutput {
  return stackWith({ ...commonOutputs(albUrl), [OUTPUT_KEYS.deploymentController]: 'ecs' });
}

function commonOutputs(albUrl: string): Record<string, string> {
  return {
    [OUTPUT_KEYS.albUrl]: albUrl,
    [OUTPUT_KEYS.testListenerUrl]: albUrl.replace(/\/$/, ':8443/'),
    [OUTPUT_KEYS.clusterName]: 'rehearsal-cluster',
    [OUTPUT_KEYS.ecsServiceName]: 'rollback-rehearsal',
    [OUTPUT_KEYS.alarmNames]: ALARM_NAMES.join(','),
  };
}

/** DescribeStacks for the deployed release pipeline stack. */
export function pipelineStack(pipelineName: string): DescribeStacksOutput {
  return stackWith({ [OUTPUT_KEYS.pipelineName]: pipelineName }, STACK_NAMES.pipeline);
}

function stackWith(
  outputs: Record<string, string>,
  name: string = STACK_NAMES.service,
): DescribeStacksOutput {
  return {
    Stacks: [
      {
        StackName: name,
        StackId: `arn:aws:cloudformation:eu-west-1:123456789012:stack/${name}/0b1c2d3e`,
        CreationTime: at(-86_400),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  };
}

/** The error CloudFormation answers DescribeStacks with for a stack that is not deployed. */
export function stackMissing(name: string = STACK_NAMES.service): Error {
  return Object.assign(new Error(`Stack with id ${name} does not exist`), {
    name: 'ValidationError',
    $fault: 'client',
  });
}

/** What the SDK's default chain throws when no credentials are configured. */
export function noCredentials(): Error {
  return Object.assign(new Error('Could not load credentials from any providers'), {
    name: 'CredentialsProviderError',
  });
}
