import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { STSClient } from '@aws-sdk/client-sts';

/** Factories for the AWS SDK clients the commands use; tests pass clients mocked with aws-sdk-client-mock. */
export interface AwsClients {
  readonly cloudFormation: () => CloudFormationClient;
  readonly codeDeploy: () => CodeDeployClient;
  /** The release pipeline's executions: what `drill` and `watch --commit` follow before the deployment. */
  readonly codePipeline: () => CodePipelineClient;
  /** ECS's service deployment APIs: what follows a release under the `ecs` controller. */
  readonly ecs: () => ECSClient;
  readonly cloudWatch: () => CloudWatchClient;
  /** The load balancer's rules and target health: what production reaches, read live. */
  readonly elbv2: () => ElasticLoadBalancingV2Client;
  readonly sts: () => STSClient;
}

/** How long a call may go unanswered, and how often it is tried. */
export interface AwsTimeouts {
  /** Limit for opening the connection. */
  readonly connectionTimeoutMs: number;
  /** Limit for one attempt, from sending the request to the end of the answer. */
  readonly requestTimeoutMs: number;
  /** Attempts per call, the first included. */
  readonly maxAttempts: number;
}

/**
 * The SDK's defaults wait for an endpoint that accepts connections but never answers (a proxy, a
 * firewall, a wrong AWS_ENDPOINT_URL) for minutes per attempt. These AWS calls are small describes
 * that answer within a second or two, so three attempts of 15 s end a silent call in under a minute.
 */
export const DEFAULT_AWS_TIMEOUTS: AwsTimeouts = {
  connectionTimeoutMs: 5_000,
  requestTimeoutMs: 15_000,
  maxAttempts: 3,
};

/** Extra client configuration (an endpoint, a region, credentials), for tests against a local server. */
export type ClientConfig = Pick<
  NonNullable<ConstructorParameters<typeof STSClient>[0]>,
  'endpoint' | 'region' | 'credentials'
>;

/** An error from the SDK with the endpoint the call went to, so the message can name it. */
export interface EndpointError extends Error {
  endpoint?: string;
}

/** Any of the SDK clients: what {@link withTimeouts} needs of one. */
interface SdkClient {
  readonly middlewareStack: {
    add(middleware: unknown, options: { step: 'build'; name: string }): void;
  };
}

/** Records on the final error (after retries) the endpoint the request was sent to. */
function nameEndpointOnError<C extends SdkClient>(client: C): C {
  client.middlewareStack.add(
    (next: (args: { request: unknown }) => Promise<unknown>) =>
      async (args: { request: { protocol?: string; hostname?: string; port?: number } }) => {
        try {
          return await next(args);
        } catch (error) {
          const { protocol, hostname, port } = args.request;
          if (error instanceof Error && hostname) {
            (error as EndpointError).endpoint =
              `${protocol ?? 'https:'}//${hostname}${port ? `:${port}` : ''}`;
          }
          throw error;
        }
      },
    { step: 'build', name: 'nameEndpointOnError' },
  );
  return client;
}

/**
 * Clients built on first use with the SDK's default credential and region chain (AWS_PROFILE, AWS_REGION,
 * AWS_ENDPOINT_URL, ...), so commands that never call AWS never need credentials; every call is bounded
 * by `timeouts`.
 */
export function defaultAwsClients(
  timeouts: AwsTimeouts = DEFAULT_AWS_TIMEOUTS,
  extra: ClientConfig = {},
): AwsClients {
  const config = {
    ...extra,
    maxAttempts: timeouts.maxAttempts,
    requestHandler: {
      connectionTimeout: timeouts.connectionTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      // Without it, a request past requestTimeout only logs a warning and keeps waiting.
      throwOnRequestTimeout: true,
      socketTimeout: timeouts.requestTimeoutMs,
    },
  };
  const once = <T extends SdkClient>(make: () => T): (() => T) => {
    let client: T | undefined;
    return () => (client ??= nameEndpointOnError(make()));
  };
  return {
    cloudFormation: once(() => new CloudFormationClient(config)),
    codeDeploy: once(() => new CodeDeployClient(config)),
    codePipeline: once(() => new CodePipelineClient(config)),
    ecs: once(() => new ECSClient(config)),
    cloudWatch: once(() => new CloudWatchClient(config)),
    elbv2: once(() => new ElasticLoadBalancingV2Client(config)),
    sts: once(() => new STSClient(config)),
  };
}
