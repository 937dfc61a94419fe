import { Validations } from 'aws-cdk-lib';
import type * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface DeploymentNotificationsProps {
  /**
   * Whose deployments to report: a CodeDeploy deployment group, or a service on the ECS controller.
   */
  readonly deploymentsOf:
    | { readonly deploymentGroup: codedeploy.IEcsDeploymentGroup }
    | { readonly nativeService: ecs.IBaseService };
  /** Subscribed by e-mail when given. @default - no subscription */
  readonly email?: string;
}

/**
 * An SNS topic told about every failed (and so rolled-back) or stopped deployment of the deployment group.
 * An EventBridge rule rather than a CodeStar notification rule: no extra service role, and the message can
 * name the deployment.
 */
export class DeploymentNotifications extends Construct {
  readonly topic: sns.Topic;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: DeploymentNotificationsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Failed and rolled-back deployments',
      enforceSSL: true,
    });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Messages carry only deployment ids and states. EventBridge cannot publish to a topic encrypted with the AWS managed SNS key, and a customer managed key would add cost to a rehearsal environment.',
    });
    if (props.email !== undefined)
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));

    const of = props.deploymentsOf;
    this.rule =
      'deploymentGroup' in of ? this.codeDeployRule(of.deploymentGroup) : this.nativeRule(of.nativeService);
  }

  private codeDeployRule(dg: codedeploy.IEcsDeploymentGroup): events.Rule {
    const rule = new events.Rule(this, 'FailedDeployments', {
      description: 'CodeDeploy deployments of the service that failed or were stopped (and rolled back)',
      eventPattern: {
        source: ['aws.codedeploy'],
        detailType: ['CodeDeploy Deployment State-change Notification'],
        detail: {
          application: [dg.application.applicationName],
          deploymentGroup: [dg.deploymentGroupName],
          state: ['FAILURE', 'STOP'],
        },
      },
    });
    rule.addTarget(
      new targets.SnsTopic(this.topic, {
        message: events.RuleTargetInput.fromText(
          `CodeDeploy deployment ${events.EventField.fromPath('$.detail.deploymentId')} of ${events.EventField.fromPath('$.detail.deploymentGroup')} ended in ${events.EventField.fromPath('$.detail.state')}; automatic rollback restores the previous task set.`,
        ),
      }),
    );
    return rule;
  }

  /**
   * ECS reports a failed service deployment (alarm, hook, circuit breaker or a stop with rollback) as
   * `SERVICE_DEPLOYMENT_FAILED` (ECS Developer Guide, "Amazon ECS service deployment state change events").
   */
  private nativeRule(service: ecs.IBaseService): events.Rule {
    const rule = new events.Rule(this, 'FailedDeployments', {
      description: 'ECS service deployments of the service that failed (and rolled back)',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Deployment State Change'],
        resources: [service.serviceArn],
        detail: { eventName: ['SERVICE_DEPLOYMENT_FAILED'] },
      },
    });
    rule.addTarget(
      new targets.SnsTopic(this.topic, {
        message: events.RuleTargetInput.fromText(
          `ECS service deployment ${events.EventField.fromPath('$.detail.deploymentId')} of ${events.EventField.fromPath('$.resources[0]')} failed: ${events.EventField.fromPath('$.detail.reason')}; ECS rolls back to the last completed deployment.`,
        ),
      }),
    );
    return rule;
  }
}
