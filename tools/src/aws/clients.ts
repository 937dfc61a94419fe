import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { STSClient } from '@aws-sdk/client-sts';

/** Factories for the AWS SDK clients the commands use; tests pass clients mocked with aws-sdk-client-mock. */
export interface AwsClients {
  readonly cloudFormation: () => CloudFormationClient;
  readonly codeDeploy: () => CodeDeployClient;
  readonly cloudWatch: () => CloudWatchClient;
  readonly sts: () => STSClient;
}

/**
 * Clients built on first use with the SDK's default credential and region chain (AWS_PROFILE, AWS_REGION,
 * ...), so commands that never call AWS never need credentials.
 */
export function defaultAwsClients(): AwsClients {
  const once = <T>(make: () => T): (() => T) => {
    let client: T | undefined;
    return () => (client ??= make());
  };
  return {
    cloudFormation: once(() => new CloudFormationClient({})),
    codeDeploy: once(() => new CodeDeployClient({})),
    cloudWatch: once(() => new CloudWatchClient({})),
    sts: once(() => new STSClient({})),
  };
}
