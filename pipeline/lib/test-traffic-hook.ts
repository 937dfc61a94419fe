import { Duration, Validations } from 'aws-cdk-lib';
import type * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { settings } from '../../contract/settings';
import { acknowledgeManagedPolicies, bundledFunctionProps } from './bundled-function-props';

export interface TestTrafficHookProps {
  readonly vpc: ec2.IVpc;
  /** URL of the test listener the hook probes. */
  readonly testListenerUrl: string;
  /** The deployment group whose hook executions this function reports on. */
  readonly deploymentGroup: codedeploy.IEcsDeploymentGroup;
}

/**
 * The AfterAllowTestTraffic hook Lambda (TypeScript, bundled by the locally installed esbuild, no Docker).
 * It runs in the private subnets: its requests to the internet-facing test listener leave through the NAT
 * gateway, whose fixed address the listener admits; a Lambda outside the VPC has no stable address to
 * admit. It may report only on its own deployment group's hook executions.
 */
export class TestTrafficHook extends Construct {
  readonly function: nodejs.NodejsFunction;
  /** The hook's egress security group (egress only: nothing connects to the hook). */
  readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: TestTrafficHookProps) {
    super(scope, id);
    if (settings.hook.lambdaTimeoutSeconds * 1000 < settings.hook.probeTimeoutMs + 20_000) {
      throw new Error(
        `settings.hook.lambdaTimeoutSeconds=${settings.hook.lambdaTimeoutSeconds} must exceed probeTimeoutMs by at least 20 s, or the hook cannot report in time`,
      );
    }
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Test-traffic hook: outbound to the test listener and AWS APIs',
      allowAllOutbound: true,
    });
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      // A fixed name because appspec.yml names it; the prefix lets AWSCodeDeployRoleForECSLimited invoke it.
      functionName: settings.hook.functionName,
      description: 'CodeDeploy AfterAllowTestTraffic hook: probes green through the test listener',
      ...bundledFunctionProps(this, {
        folder: 'test-traffic-hook',
        environment: {
          TEST_LISTENER_URL: props.testListenerUrl,
          CONTAINER_NAME: settings.container.name,
        },
      }),
      timeout: Duration.seconds(settings.hook.lambdaTimeoutSeconds),
      // CodeDeploy invokes hooks asynchronously; a retry would report a second time on the same execution.
      retryAttempts: 0,
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [this.securityGroup],
    });
    this.grantHookPermissions(props.deploymentGroup);
  }

  private grantHookPermissions(deploymentGroup: codedeploy.IEcsDeploymentGroup): void {
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['codedeploy:GetDeployment'],
        resources: [deploymentGroup.deploymentGroupArn],
      }),
    );
    // Neither action has a resource type in the Service Authorization Reference: IAM evaluates them on
    // "*", and a statement naming the deployment group would never match.
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['codedeploy:PutLifecycleEventHookExecutionStatus', 'ecs:DescribeTaskDefinition'],
        resources: ['*'],
      }),
    );
    const role = this.function.role;
    if (role === undefined) throw new Error('TestTrafficHook: the function has no role to acknowledge');
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'codedeploy:PutLifecycleEventHookExecutionStatus and ecs:DescribeTaskDefinition have no resource type (Service Authorization Reference), so they can only be granted on *. The hook reports only on the execution id CodeDeploy invoked it with, and reads the task definition being deployed to find its APP_VERSION.',
    });
    acknowledgeManagedPolicies(role, { inVpc: true });
  }
}
