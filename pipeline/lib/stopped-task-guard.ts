import { Duration, Validations } from 'aws-cdk-lib';
import type * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import type * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { acknowledgeManagedPolicies, bundledFunctionProps } from './bundled-function-props';
import { acknowledgeControl } from './control-tower';

export interface StoppedTaskGuardProps {
  /** The rule that matches abnormal stops of the service's tasks. */
  readonly rule: events.Rule;
  readonly deploymentGroup: codedeploy.IEcsDeploymentGroup;
}

/**
 * A function on the abnormal-stop rule that stops the deployment in progress, with rollback, when the
 * stopped task ran that deployment's task definition: seconds instead of the minutes an alarm needs.
 * It calls only AWS APIs, so it runs outside the VPC.
 */
export class StoppedTaskGuard extends Construct {
  readonly function: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: StoppedTaskGuardProps) {
    super(scope, id);
    const dg = props.deploymentGroup;
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      description: 'Stops the CodeDeploy deployment (with rollback) whose new tasks crash',
      ...bundledFunctionProps(this, {
        folder: 'stopped-task-guard',
        environment: {
          APPLICATION_NAME: dg.application.applicationName,
          DEPLOYMENT_GROUP_NAME: dg.deploymentGroupName,
        },
      }),
      timeout: Duration.seconds(30),
    });
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
    props.rule.addTarget(new targets.LambdaFunction(this.function, { retryAttempts: 2 }));
    acknowledgeControl(
      this.function,
      'CT.LAMBDA.PR.3',
      'The guard calls only the CodeDeploy API and no resource inside the VPC; outside the VPC it needs no NAT route, subnet or security group, and keeps working when the NAT gateway does not.',
    );
    Validations.of(this.function.role!).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'codedeploy:StopDeployment has no resource type (Service Authorization Reference, "Actions, resources, and condition keys for AWS CodeDeploy"), so it can only be granted on *; the function stops only deployments of its own deployment group, which it reads from its environment.',
    });
    acknowledgeManagedPolicies(this.function.role!, { inVpc: false });
  }
}
