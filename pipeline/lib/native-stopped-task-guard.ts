import { Duration, Validations } from 'aws-cdk-lib';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { acknowledgeManagedPolicies, bundledFunctionProps } from './bundled-function-props';
import { acknowledgeControl } from './control-tower';
import { serviceDeploymentArns } from './service-deployment-arns';

export interface NativeStoppedTaskGuardProps {
  /** The rule that matches abnormal stops of the service's tasks. */
  readonly rule: events.Rule;
  /** The service on the ECS controller whose deployments the guard may stop. */
  readonly service: ecs.FargateService;
}

/**
 * The stopped-task guard for native blue/green: on an abnormal stop of a task that runs the deployment's
 * task definition it calls `StopServiceDeployment` with `stopType: ROLLBACK` (Amazon ECS API Reference,
 * "StopServiceDeployment"). It may list, read and stop this service's deployments only. It calls only
 * AWS APIs, so it runs outside the VPC.
 */
export class NativeStoppedTaskGuard extends Construct {
  readonly function: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: NativeStoppedTaskGuardProps) {
    super(scope, id);
    const service = props.service;
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      description: 'Stops the ECS service deployment (with rollback) whose new tasks crash',
      ...bundledFunctionProps(this, {
        folder: 'native-stopped-task-guard',
        environment: { CLUSTER_ARN: service.cluster.clusterArn, SERVICE_NAME: service.serviceName },
      }),
      timeout: Duration.seconds(30),
    });
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
    props.rule.addTarget(new targets.LambdaFunction(this.function, { retryAttempts: 2 }));
    acknowledgeControl(
      this.function,
      'CT.LAMBDA.PR.3',
      'The guard calls only the ECS API and no resource inside the VPC; outside the VPC it needs no NAT route, subnet or security group, and keeps working when the NAT gateway does not.',
    );
    const role = this.function.role!;
    for (const kind of ['service-revision', 'service-deployment']) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:${kind}/<ServiceCluster572F72F1>/<Service9571FDD8.Name>/*]`,
        reason:
          'Deployment and revision ids are created by each deployment; the pattern names this cluster and service only.',
      });
    }
    acknowledgeManagedPolicies(role, { inVpc: false });
  }
}
