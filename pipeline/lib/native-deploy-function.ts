import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { acknowledgeManagedPolicies, bundledFunctionProps } from './bundled-function-props';
import { acknowledgeControl } from './control-tower';
import { acknowledgeWildcards } from './release-pipeline-nag';

/** What the native Deploy stage's function needs from the pipeline it belongs to. */
export interface NativeDeployFunctionProps {
  /** The service whose deployment controller is ECS. */
  readonly service: ecs.IBaseService;
  /** The task definition's execution and task roles, which registering a revision passes to ECS. */
  readonly passedRoles: readonly iam.IRole[];
}

/**
 * The function behind the Deploy stage under the `ecs` controller, run by CodePipeline's Lambda invoke
 * action. CodePipeline's standard Amazon ECS action builds the new revision from the service's current
 * task definition with only the image replaced (CodePipeline User Guide, "Amazon Elastic Container Service
 * deploy action reference"), so a fault flipped in the commit's taskdef.json would not be released. The
 * function registers the rendered taskdef.json itself, updates the service, and follows ECS's blue/green
 * deployment across invocations with continuation tokens; a stopped or rolled-back deployment fails the
 * job and so the execution (`pipeline/lambda/native-deploy`). It reads the release artifact with the
 * credentials CodePipeline passes in the job, so its role has no access to the artifact bucket; the
 * action adds `codepipeline:PutJobSuccessResult` and `PutJobFailureResult` to its role.
 */
export class NativeDeployFunction extends Construct {
  readonly function: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: NativeDeployFunctionProps) {
    super(scope, id);
    const { service } = props;
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      description: 'Registers the release task definition and follows the native ECS blue/green deployment',
      ...bundledFunctionProps(this, {
        folder: 'native-deploy',
        environment: { CLUSTER_NAME: service.cluster.clusterName, SERVICE_NAME: service.serviceName },
      }),
      // One invocation follows the deployment for four minutes at most before it hands back a continuation
      // token (pipeline/lambda/native-deploy/handler.ts); the rest is room for the report.
      timeout: Duration.minutes(5),
      // CodePipeline invokes the function asynchronously (Lambda Developer Guide, "Using AWS Lambda with
      // AWS CodePipeline"); a retried first invocation would register and deploy a second time.
      retryAttempts: 0,
    });
    this.grantDeploy(props);
    acknowledgeControl(
      this.function,
      'CT.LAMBDA.PR.3',
      'The function calls only the ECS, Elastic Load Balancing, CloudWatch, CodePipeline and S3 APIs and no resource inside the VPC; outside the VPC it needs no NAT route, subnet or security group.',
    );
    acknowledgeManagedPolicies(this.function.role!, { inVpc: false });
  }

  private grantDeploy(props: NativeDeployFunctionProps): void {
    const { service } = props;
    const deployments = Stack.of(this).formatArn({
      service: 'ecs',
      resource: 'service-deployment',
      resourceName: `${service.cluster.clusterName}/${service.serviceName}/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    const allow = (actions: string[], resources: string[]) =>
      this.function.addToRolePolicy(new iam.PolicyStatement({ actions, resources }));
    allow(['ecs:RegisterTaskDefinition'], ['*']);
    allow(['ecs:UpdateService'], [service.serviceArn]);
    allow(['ecs:DescribeServiceDeployments'], [service.serviceArn, deployments]);
    // Before it starts ECS's deployment the function reads the service's listener rules, the target groups'
    // healthy targets and its deployment alarms (pipeline/lambda/native-deploy/start-checks.ts).
    allow(['ecs:DescribeServices'], [service.serviceArn]);
    allow(
      [
        'elasticloadbalancing:DescribeRules',
        'elasticloadbalancing:DescribeTargetHealth',
        'cloudwatch:DescribeAlarms',
      ],
      ['*'],
    );
    // Registering the revision passes both task roles; only to ECS tasks.
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: props.passedRoles.map((role) => role.roleArn),
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
    );
    acknowledgeWildcards(
      this.function,
      { resources: ['*'] },
      'ecs:RegisterTaskDefinition, elasticloadbalancing:DescribeRules and DescribeTargetHealth have no resource-level permissions (Service Authorization Reference, "Actions, resources, and condition keys for Amazon Elastic Container Service" and "... for Elastic Load Balancing V2"); cloudwatch:DescribeAlarms is a read of alarm states only; codepipeline:PutJobSuccessResult and PutJobFailureResult have no resource type either ("... for AWS CodePipeline"), and the function reports only the job it was invoked with.',
    );
    // The pattern reaches this stack as two cross-stack imports, which cdk-nag names by their export names
    // (the service stack's cluster and service).
    Validations.of(this.function.role!).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:service-deployment/RollbackRehearsalService:ExportsOutputRefServiceCluster572F72F13E552352/RollbackRehearsalService:ExportsOutputFnGetAttService9571FDD8Name56F663B1/*]',
      reason:
        "Service deployment ids are created by each UpdateService; the pattern names the service stack's cluster and service only.",
    });
  }
}
