import { Aws, CfnCondition, CfnMapping, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeControl, acknowledgeShortLivedBucket } from './control-tower';

export interface AccessLogsProps {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** How long a log file is kept. @default Duration.days(14) */
  readonly retention?: Duration;
}

/** The key prefix under which the ALB writes its logs (`PREFIX/AWSLogs/ACCOUNT/elasticloadbalancing/...`). */
export const ACCESS_LOG_PREFIX = 'alb';

/**
 * The ALB's access logs, in a bucket of their own: one line per request with the target's status, the
 * load balancer's own status and the target chosen, which is what a person reads after a rehearsal to see
 * which requests failed and where.
 *
 * aws-cdk-lib's `logAccessLogs` needs the stack's region at synthesis, and these stacks deploy to any
 * region. The bucket policy therefore lets both writers in that Elastic Load Balancing documents ("Enable
 * access logs for your Application Load Balancer", step 2): the regional ELB account in the Regions that
 * have one, and the service principal `logdelivery.elasticloadbalancing.amazonaws.com` in the Regions opened
 * since. The account comes from a mapping of aws-cdk-lib's region facts, chosen at deploy time.
 */
export class AccessLogs extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AccessLogsProps) {
    super(scope, id);
    // ALB access logs support only SSE-S3 (the same page, step 1).
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: props.retention ?? Duration.days(14) }],
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    this.allowLogDelivery();
    const alb = props.loadBalancer;
    alb.setAttribute('access_logs.s3.enabled', 'true');
    alb.setAttribute('access_logs.s3.bucket', this.bucket.bucketName);
    alb.setAttribute('access_logs.s3.prefix', ACCESS_LOG_PREFIX);
    // The ALB checks that it may write to the bucket when the attribute is set.
    alb.node.addDependency(this.bucket.policy!);
    this.acknowledge();
  }

  private allowLogDelivery(): void {
    const regions = new CfnMapping(this, 'ElbAccount', {
      mapping: Object.fromEntries(
        RegionInfo.regions.map((r) => [r.name, { account: r.elbv2Account ?? 'none' }]),
      ),
    });
    const elbAccount = regions.findInMap(Aws.REGION, 'account');
    const hasElbAccount = new CfnCondition(this, 'RegionHasElbAccount', {
      expression: Fn.conditionNot(Fn.conditionEquals(elbAccount, 'none')),
    });
    const objects = this.bucket.arnForObjects(`${ACCESS_LOG_PREFIX}/AWSLogs/${Aws.ACCOUNT_ID}/*`);
    // Where the Region has no ELB account the statement names the bucket owner's own account, which may
    // write there anyway: a policy may not name an account that does not exist.
    const account = Fn.conditionIf(hasElbAccount.logicalId, elbAccount, Aws.ACCOUNT_ID).toString();
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ElbAccountWritesAccessLogs',
        actions: ['s3:PutObject'],
        principals: [new iam.ArnPrincipal(`arn:${Aws.PARTITION}:iam::${account}:root`)],
        resources: [objects],
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ElbLogDeliveryWritesAccessLogs',
        actions: ['s3:PutObject'],
        principals: [new iam.ServicePrincipal('logdelivery.elasticloadbalancing.amazonaws.com')],
        resources: [objects],
      }),
    );
  }

  private acknowledge(): void {
    acknowledgeShortLivedBucket(this.bucket, "the ALB's access logs");
    acknowledgeControl(
      this.bucket,
      'CT.S3.PR.10',
      'Elastic Load Balancing writes access logs only to buckets encrypted with S3-managed keys (SSE-S3), not with KMS keys ("Enable access logs for your Application Load Balancer", step 1).',
    );
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This bucket is itself a log bucket; logging its reads to a further bucket would only move the question one bucket on.',
    });
    const provider = Stack.of(this).node.tryFindChild('Custom::S3AutoDeleteObjectsCustomResourceProvider');
    if (provider !== undefined) {
      acknowledgeControl(
        provider,
        'CT.LAMBDA.PR.3',
        "aws-cdk-lib's provider that empties the bucket on cdk destroy calls only the S3 API; it runs once, at deletion.",
      );
    }
  }
}
