import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsClients } from '../../src/aws/clients';

/** Real SDK clients with a fixed region and fake credentials; tests mock their `send` with aws-sdk-client-mock. */
export function testAwsClients(): AwsClients {
  const config = { region: 'eu-west-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } };
  const cfn = new CloudFormationClient(config);
  const cd = new CodeDeployClient(config);
  const cp = new CodePipelineClient(config);
  const cw = new CloudWatchClient(config);
  const sts = new STSClient(config);
  const ecs = new ECSClient(config);
  const elbv2 = new ElasticLoadBalancingV2Client(config);
  return {
    cloudFormation: () => cfn,
    codeDeploy: () => cd,
    codePipeline: () => cp,
    ecs: () => ecs,
    cloudWatch: () => cw,
    elbv2: () => elbv2,
    sts: () => sts,
  };
}
