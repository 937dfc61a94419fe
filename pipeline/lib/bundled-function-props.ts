import * as path from 'node:path';
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { acknowledgeRehearsalLogGroup } from './control-tower';

/** What sets one of the project's Lambda functions apart from the others. */
export interface BundledFunctionOptions {
  /** The folder under `pipeline/lambda` that holds the function's `handler.ts`. */
  readonly folder: string;
  /** The function's own environment variables (`NODE_OPTIONS` is added). */
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * The props every Lambda function of the project shares: its TypeScript handler bundled by the locally
 * installed esbuild (no Docker), Node 24 on ARM, 256 MB, source maps, and a log group `Logs` in `scope`
 * kept two weeks and removed with the stack. Call it where the log group should be created.
 */
export function bundledFunctionProps(
  scope: Construct,
  options: BundledFunctionOptions,
): nodejs.NodejsFunctionProps {
  const logGroup = new logs.LogGroup(scope, 'Logs', {
    retention: logs.RetentionDays.TWO_WEEKS,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  acknowledgeRehearsalLogGroup(logGroup);
  return {
    entry: path.join(__dirname, '..', 'lambda', options.folder, 'handler.ts'),
    handler: 'handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: 256,
    logGroup,
    environment: { ...options.environment, NODE_OPTIONS: '--enable-source-maps' },
    bundling: {
      forceDockerBundling: false,
      minify: true,
      sourceMap: true,
      target: 'node24',
      // Bundle the SDK clients too, so the function runs the versions the unit tests ran.
      externalModules: [],
    },
  };
}

/**
 * Acknowledges, on a function's role, the AWS managed policies aws-cdk-lib attaches to it: writing its own
 * logs, and for a function in a VPC its network interfaces.
 */
export function acknowledgeManagedPolicies(role: iam.IRole, options: { readonly inVpc: boolean }): void {
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'The AWS managed policy only lets the function write its own logs.',
  });
  if (!options.inVpc) return;
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
    reason:
      'The AWS managed policy manages the network interfaces a VPC function needs; nothing narrower exists.',
  });
}
