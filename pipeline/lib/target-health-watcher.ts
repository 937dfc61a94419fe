import { Duration, Validations } from 'aws-cdk-lib';
import type * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { settings } from '../../contract/settings';
import { acknowledgeManagedPolicies, bundledFunctionProps } from './bundled-function-props';
import { acknowledgeControl } from './control-tower';
import { controlEnvironment, type DeploymentsOf } from './deployments-of';
import { serviceDeploymentArns } from './service-deployment-arns';

export interface TargetHealthWatcherProps {
  /** Both target groups of the service: they swap roles every deployment. */
  readonly targetGroups: readonly elbv2.IApplicationTargetGroup[];
  /** Whose deployments it watches. */
  readonly deploymentsOf: DeploymentsOf;
}

/**
 * A function that each deployment's start event starts, and that stops the deployment with rollback once
 * every target of a target group has failed its health checks for the confirmation window
 * (`pipeline/lambda/target-health-watcher`, under either controller). The
 * stopped-task guard and the alarms stay behind it. It calls only AWS APIs, so it runs outside the VPC.
 */
export class TargetHealthWatcher extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: TargetHealthWatcherProps) {
    super(scope, id);
    const w = settings.targetHealthWatcher;
    const of = props.deploymentsOf;
    const environment = {
      ...controlEnvironment(of, { listsDeployments: true }),
      TARGET_GROUP_ARNS: props.targetGroups.map((tg) => tg.targetGroupArn).join(','),
      POLL_SECONDS: String(w.pollSeconds),
      CONFIRM_SECONDS: String(w.confirmSeconds),
      WATCH_LIMIT_SECONDS: String(w.watchLimitSeconds),
    };
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      description: 'Stops the deployment (with rollback) whose green targets all fail their health checks',
      ...bundledFunctionProps(this, {
        folder: 'target-health-watcher',
        environment,
      }),
      // The watch limit, and a minute for the last read and the stop call.
      timeout: Duration.seconds(w.watchLimitSeconds + 60),
    });
    // The Service Authorization Reference lists no resource type for DescribeTargetHealth ("Actions,
    // resources, and condition keys for Elastic Load Balancing V2"): IAM evaluates it on "*".
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['elasticloadbalancing:DescribeTargetHealth'], resources: ['*'] }),
    );
    this.rule =
      'nativeService' in of ? this.nativeRule(of.nativeService) : this.codeDeployRule(of.deploymentGroup);
    this.rule.addTarget(new targets.LambdaFunction(this.function, { retryAttempts: 2 }));
    acknowledgeControl(
      this.function,
      'CT.LAMBDA.PR.3',
      'The watcher calls only the Elastic Load Balancing and deployment APIs and no resource inside the VPC; outside the VPC it needs no NAT route, subnet or security group.',
    );
    Validations.of(this.function.role!).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'elasticloadbalancing:DescribeTargetHealth (and codedeploy:StopDeployment) have no resource type in the Service Authorization Reference, so they can only be granted on *; the function reads only the two target groups it is given and stops only deployments it was started for.',
    });
    acknowledgeManagedPolicies(this.function.role!, { inVpc: false });
  }

  private codeDeployRule(dg: codedeploy.IEcsDeploymentGroup): events.Rule {
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['codedeploy:GetDeployment'], resources: [dg.deploymentGroupArn] }),
    );
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['codedeploy:StopDeployment'], resources: ['*'] }),
    );
    return new events.Rule(this, 'DeploymentStarts', {
      description: 'Starts the target-health watcher when a deployment of the group starts',
      eventPattern: {
        source: ['aws.codedeploy'],
        detailType: ['CodeDeploy Deployment State-change Notification'],
        detail: {
          state: ['START'],
          application: [dg.application.applicationName],
          deploymentGroup: [dg.deploymentGroupName],
        },
      },
    });
  }

  private nativeRule(service: ecs.FargateService): events.Rule {
    const arns = serviceDeploymentArns(service);
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['ecs:ListServiceDeployments'], resources: [arns.service] }),
    );
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ecs:StopServiceDeployment'],
        resources: [arns.service, arns.deployments],
      }),
    );
    Validations.of(this.function.role!).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:service-deployment/<ServiceCluster572F72F1>/<Service9571FDD8.Name>/*]',
      reason:
        'Deployment ids are created by each deployment; the pattern names this cluster and service only.',
    });
    return new events.Rule(this, 'DeploymentStarts', {
      description: 'Starts the target-health watcher when a deployment of the service starts',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Deployment State Change'],
        resources: [service.serviceArn],
        detail: { eventName: ['SERVICE_DEPLOYMENT_IN_PROGRESS'] },
      },
    });
  }
}
