import { Duration, Validations } from 'aws-cdk-lib';
import type * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { settings } from '../../contract/settings';
import { acknowledgeManagedPolicies, bundledFunctionProps } from './bundled-function-props';
import { controlEnvironment, type DeploymentsOf } from './deployments-of';
import { clusterDeploymentArns } from './service-deployment-arns';

export interface TestTrafficHookProps {
  readonly vpc: ec2.IVpc;
  /** URL of the test listener the hook probes. */
  readonly testListenerUrl: string;
  /** Whose deployments the hook judges: the group's hook executions, or the service's lifecycle hook. */
  readonly deploymentsOf: DeploymentsOf;
}

/**
 * The test-traffic hook Lambda (TypeScript, bundled by the locally installed esbuild, no Docker): under
 * CodeDeploy the AfterAllowTestTraffic hook appspec.yml names; under ECS a lifecycle hook at
 * POST_TEST_TRAFFIC_SHIFT, the stage at which the test listener's rule sends all test traffic to green
 * (ECS Developer Guide, "Lifecycle hooks for Amazon ECS service deployments"), invoked with a role only
 * `ecs.amazonaws.com` can assume. It runs in the private subnets: its requests to the internet-facing test
 * listener leave through the NAT gateway, whose fixed address the listener admits; a Lambda outside the
 * VPC has no stable address to admit.
 */
export class TestTrafficHook extends Construct {
  readonly function: nodejs.NodejsFunction;
  /** The hook's egress security group (egress only: nothing connects to the hook). */
  readonly securityGroup: ec2.SecurityGroup;
  /** The role ECS assumes to invoke the hook; undefined under CodeDeploy, which uses its own role. */
  readonly invokeRole?: iam.Role;

  constructor(scope: Construct, id: string, props: TestTrafficHookProps) {
    super(scope, id);
    if (settings.hook.lambdaTimeoutSeconds * 1000 < settings.hook.probeTimeoutMs + 20_000) {
      throw new Error(
        `settings.hook.lambdaTimeoutSeconds=${settings.hook.lambdaTimeoutSeconds} must exceed probeTimeoutMs by at least 20 s, or the hook cannot report in time`,
      );
    }
    const of = props.deploymentsOf;
    const codeDeploy = 'deploymentGroup' in of;
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      // A security group's description cannot change without replacing it: each keeps the one it had.
      description: codeDeploy
        ? 'Test-traffic hook: outbound to the test listener and AWS APIs'
        : 'Native test-traffic hook: outbound to the test listener and AWS APIs',
      allowAllOutbound: true,
    });
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      // A fixed name because appspec.yml names it; the prefix lets AWSCodeDeployRoleForECSLimited invoke it.
      ...(codeDeploy && { functionName: settings.hook.functionName }),
      description: codeDeploy
        ? 'CodeDeploy AfterAllowTestTraffic hook: probes green through the test listener'
        : 'ECS POST_TEST_TRAFFIC_SHIFT hook: probes green through the test listener',
      ...bundledFunctionProps(this, {
        folder: 'test-traffic-hook',
        environment: {
          ...controlEnvironment(of, { listsDeployments: false }),
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
    if (codeDeploy) this.grantCodeDeploy(of.deploymentGroup);
    else this.invokeRole = this.hookInto(of.nativeService);
    acknowledgeManagedPolicies(this.role(), { inVpc: true });
  }

  private role(): iam.IRole {
    const role = this.function.role;
    if (role === undefined) throw new Error('TestTrafficHook: the function has no role to acknowledge');
    return role;
  }

  private grantCodeDeploy(deploymentGroup: codedeploy.IEcsDeploymentGroup): void {
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
    Validations.of(this.role()).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'codedeploy:PutLifecycleEventHookExecutionStatus and ecs:DescribeTaskDefinition have no resource type (Service Authorization Reference), so they can only be granted on *. The hook reports only on the execution id CodeDeploy invoked it with, and reads the task definition being deployed to find its APP_VERSION.',
    });
  }

  /** The service's lifecycle hook, the role ECS invokes it with, and the reads the hook makes. */
  private hookInto(service: ecs.FargateService): iam.Role {
    this.grantEcsReads(service.cluster);
    const invokeRole = new iam.Role(this, 'InvokeRole', {
      assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com'),
      description: 'ECS invokes the test-traffic lifecycle hook with this role',
    });
    // The function itself, not its versions and aliases (`grantInvoke` would add `<arn>:*`).
    invokeRole.addToPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] }),
    );
    service.addLifecycleHook(
      new ecs.DeploymentLifecycleLambdaTarget(this.function, 'TestTraffic', {
        lifecycleStages: [ecs.DeploymentLifecycleStage.POST_TEST_TRAFFIC_SHIFT],
        role: invokeRole,
      }),
    );
    return invokeRole;
  }

  /** Cluster-wide: the service depends on this policy through its lifecycle hook, so it cannot name it. */
  private grantEcsReads(cluster: ecs.ICluster): void {
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
    Validations.of(this.role()).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ecs:DescribeTaskDefinition has no resource type (Service Authorization Reference), so it can only be granted on *; the hook reads the task definition of the revision being deployed to find its APP_VERSION.',
    });
    for (const kind of ['service', 'service-revision']) {
      Validations.of(this.role()).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:${kind}/<ServiceCluster572F72F1>/*]`,
        reason:
          "Read-only, in this stack's cluster, which runs only this service: the service depends on the hook, so the hook's policy cannot name the service without a dependency cycle, and revision ids are created by each deployment.",
      });
    }
  }
}
