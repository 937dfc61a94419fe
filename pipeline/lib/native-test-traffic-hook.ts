import { Duration, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { settings } from '../../contract/settings';
import { acknowledgeManagedPolicies, bundledFunctionProps } from './bundled-function-props';
import { clusterDeploymentArns } from './service-deployment-arns';

export interface NativeTestTrafficHookProps {
  readonly vpc: ec2.IVpc;
  /** URL of the test listener the hook probes. */
  readonly testListenerUrl: string;
  /** The service on the ECS controller whose deployments the hook judges. */
  readonly service: ecs.FargateService;
}

/**
 * The test-traffic check of a native blue/green deployment: a Lambda lifecycle hook at
 * POST_TEST_TRAFFIC_SHIFT, the stage at which the test listener's rule sends all test traffic to green
 * (ECS Developer Guide, "Lifecycle hooks for Amazon ECS service deployments"). It runs in the private
 * subnets for the same reason as the CodeDeploy hook: the test listener admits only the NAT gateway's
 * address. ECS invokes it with a role of its own that only `ecs.amazonaws.com` can assume and that may
 * invoke only this function.
 */
export class NativeTestTrafficHook extends Construct {
  readonly function: nodejs.NodejsFunction;
  /** The role ECS assumes to invoke the hook. */
  readonly invokeRole: iam.Role;

  constructor(scope: Construct, id: string, props: NativeTestTrafficHookProps) {
    super(scope, id);
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Native test-traffic hook: outbound to the test listener and AWS APIs',
      allowAllOutbound: true,
    });
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      description: 'ECS POST_TEST_TRAFFIC_SHIFT hook: probes green through the test listener',
      ...bundledFunctionProps(this, {
        folder: 'native-test-traffic-hook',
        environment: {
          TEST_LISTENER_URL: props.testListenerUrl,
          CONTAINER_NAME: settings.container.name,
        },
      }),
      // One health attempt and one burst per invocation; ECS calls again for the next attempt.
      timeout: Duration.seconds(settings.hook.lambdaTimeoutSeconds),
      retryAttempts: 0,
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [securityGroup],
    });
    this.grantReads(props.service.cluster);

    this.invokeRole = new iam.Role(this, 'InvokeRole', {
      assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com'),
      description: 'ECS invokes the test-traffic lifecycle hook with this role',
    });
    // The function itself, not its versions and aliases (`grantInvoke` would add `<arn>:*`).
    this.invokeRole.addToPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] }),
    );
    props.service.addLifecycleHook(
      new ecs.DeploymentLifecycleLambdaTarget(this.function, 'TestTraffic', {
        lifecycleStages: [ecs.DeploymentLifecycleStage.POST_TEST_TRAFFIC_SHIFT],
        role: this.invokeRole,
      }),
    );
  }

  /** Cluster-wide: the service depends on this policy through its lifecycle hook, so it cannot name it. */
  private grantReads(cluster: ecs.ICluster): void {
    const arns = clusterDeploymentArns(cluster);
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ecs:DescribeServiceRevisions'],
        resources: [arns.services, arns.revisions],
      }),
    );
    // No resource type in the Service Authorization Reference: IAM evaluates it on "*".
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['ecs:DescribeTaskDefinition'], resources: ['*'] }),
    );
    const role = this.function.role!;
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ecs:DescribeTaskDefinition has no resource type (Service Authorization Reference), so it can only be granted on *; the hook reads the task definition of the revision being deployed to find its APP_VERSION.',
    });
    for (const kind of ['service', 'service-revision']) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:${kind}/<ServiceCluster572F72F1>/*]`,
        reason:
          "Read-only, in this stack's cluster, which runs only this service: the service depends on the hook, so the hook's policy cannot name the service without a dependency cycle, and revision ids are created by each deployment.",
      });
    }
    acknowledgeManagedPolicies(role, { inVpc: true });
  }
}
