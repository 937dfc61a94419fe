import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The AWS Control Tower proactive controls this project acknowledges, each with the cfn-guard rule that
 * checks it in `@cdklabs/cdk-validator-cfnguard` (which names its findings by rule, not by control).
 */
export const CONTROL_RULES = {
  'CT.CLOUDWATCH.PR.1': 'cloudwatch_alarm_action_check',
  'CT.CLOUDWATCH.PR.2': 'cloudwatch_log_group_retention_period_check',
  'CT.CLOUDWATCH.PR.3': 'cloudwatch_log_group_encrypted_check',
  'CT.CODEBUILD.PR.4': 'codebuild_project_environment_privileged_check',
  'CT.ELASTICLOADBALANCING.PR.1': 'alb_http_to_https_redirection_check',
  'CT.ELASTICLOADBALANCING.PR.5': 'elbv2_deletion_protection_enabled_check',
  'CT.KMS.PR.3': 'kms_create_grant_aws_service_check',
  'CT.LAMBDA.PR.3': 'lambda_inside_vpc_check',
  'CT.S3.PR.2': 's3_bucket_logging_enabled_check',
  'CT.S3.PR.4': 's3_event_notifications_enabled_check',
  'CT.S3.PR.9': 's3_bucket_object_lock_enabled_check',
  'CT.S3.PR.10': 's3_bucket_default_encryption_kms_check',
  'CT.S3.PR.11': 's3_bucket_versioning_enabled_check',
} as const;

export type ControlId = keyof typeof CONTROL_RULES;

/** The namespace aws-cdk-lib gives the cfn-guard plugin's rules in acknowledgements. */
export const CFN_GUARD_NAMESPACE = 'cdk-validator-cfnguard';

/** Acknowledges one Control Tower control for `scope` and everything under it, with the reason. */
export function acknowledgeControl(scope: IConstruct, control: ControlId, reason: string): void {
  Validations.of(scope).acknowledge({
    id: `${CFN_GUARD_NAMESPACE}::${CONTROL_RULES[control]}`,
    reason: `${control}: ${reason}`,
  });
}

/** The controls a log group of this rehearsal environment does not meet, and why that is right here. */
export function acknowledgeRehearsalLogGroup(logGroup: IConstruct): void {
  acknowledgeControl(
    logGroup,
    'CT.CLOUDWATCH.PR.2',
    'Kept two weeks (settings.ecs.logRetentionDays and the functions’ log groups): a rehearsal is read within days, and a year of retention would outlive the environment it describes.',
  );
  acknowledgeControl(
    logGroup,
    'CT.CLOUDWATCH.PR.3',
    'CloudWatch Logs encrypts every log group at rest with its own keys; these hold request logs and task events, no secrets, and a customer managed key would add a key policy and a monthly cost to a rehearsal environment.',
  );
}

/**
 * The controls a bucket of build artifacts or logs does not meet: its objects are rebuilt or rewritten by
 * AWS services, expire by lifecycle and go with the stack.
 */
export function acknowledgeShortLivedBucket(bucket: IConstruct, holds: string): void {
  const why = `Holds ${holds}, which expire by lifecycle rule and are deleted with the stack`;
  acknowledgeControl(bucket, 'CT.S3.PR.2', `${why}; CloudTrail records who read them.`);
  acknowledgeControl(bucket, 'CT.S3.PR.4', `${why}; nothing reacts to new objects.`);
  acknowledgeControl(
    bucket,
    'CT.S3.PR.9',
    `${why}; Object Lock would keep every object past the stack and block cdk destroy.`,
  );
  acknowledgeControl(bucket, 'CT.S3.PR.11', `${why}; old versions would only add storage.`);
}
