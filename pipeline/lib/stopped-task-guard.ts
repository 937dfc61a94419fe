import { Duration, Validations } from 'aws-cdk-lib';
import type * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { acknowledgeManagedPolicies, bundledFunctionProps } from './bundled-function-props';
import { acknowledgeControl } from './control-tower';
import { controlEnvironment, type DeploymentsOf } from './deployments-of';
import { serviceDeploymentArns } from './service-deployment-arns';

export interface StoppedTaskGuardProps {
  /** The rule that matches abnormal stops of the service's tasks. */
  readonly rule: events.Rule;
  /** Whose deployments the guard may stop. */
  readonly deploymentsOf: DeploymentsOf;
}

/**
 * A function on the abnormal-stop rule that stops the deployment in progress, with rollback, when the
 * stopped task ran that deployment's task definition: seconds instead of the minutes an alarm needs.
 * Under CodeDeploy it calls StopDeployment; under ECS, StopServiceDeployment with `stopType: ROLLBACK`
 * (Amazon ECS API Reference, "StopServiceDeployment"). It may list, read and stop its own deployment
 * group's or service's deployments only. It calls only AWS APIs, so it runs outside the VPC.
 */
export class StoppedTaskGuard extends Construct {
  readonly function: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: StoppedTaskGuardProps) {
    super(scope, id);
    const of = props.deploymentsOf;
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      description:
        'deploymentGroup' in of
          ? 'Stops the CodeDeploy deployment (with rollback) whose new tasks crash'
          : 'Stops the ECS service deployment (with rollback) whose new tasks crash',
      ...bundledFunctionProps(this, {
        folder: 'stopped-task-guard',
        environment: controlEnvironment(of, { listsDeployments: true }),
      }),
      timeout: Duration.seconds(30),
    });
    if ('deploymentGroup' in of) this.grantCodeDeploy(of.deploymentGroup);
    else this.grantEcs(of.nativeService);
    props.rule.addTarget(new targets.LambdaFunction(this.function, { retryAttempts: 2 }));
    acknowledgeControl(
      this.function,
      'CT.LAMBDA.PR.3',
      'The guard calls only the deployment controller API and no resource inside the VPC; outside the VPC it needs no NAT route, subnet or security group, and keeps working when the NAT gateway does not.',
    );
    acknowledgeManagedPolicies(this.function.role!, { inVpc: false });
  }

  private grantCodeDeploy(dg: codedeploy.IEcsDeploymentGroup): void {
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['codedeploy:ListDeployments', 'codedeploy:GetDeployment'],
        resources: [dg.deploymentGroupArn],
      }),
    );
    // The Service Authorization Reference lists no resource type for StopDeployment: IAM evaluates it on
    // "*", and a statement naming the deployment group would never match.
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['codedeploy:StopDeployment'], resources: ['*'] }),
    );
    Validations.of(this.function.role!).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'codedeploy:StopDeployment has no resource type (Service Authorization Reference, "Actions, resources, and condition keys for AWS CodeDeploy"), so it can only be granted on *; the function stops only deployments of its own deployment group, which it reads from its environment.',
    });
  }

  private grantEcs(service: ecs.FargateService): void {
    const arns = serviceDeploymentArns(service);
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['ecs:ListServiceDeployments'], resources: [arns.service] }),
    );
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ecs:DescribeServiceRevisions'],
        resources: [arns.service, arns.revisions],
      }),
    );
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ecs:StopServiceDeployment'],
        resources: [arns.service, arns.deployments],
      }),
    );
    for (const kind of ['service-revision', 'service-deployment']) {
      Validations.of(this.function.role!).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:${kind}/<ServiceCluster572F72F1>/<Service9571FDD8.Name>/*]`,
        reason:
          'Deployment and revision ids are created by each deployment; the pattern names this cluster and service only.',
      });
    }
  }
}
