import type { IStage, ActionBindOptions, ActionConfig } from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/**
 * The GitHub source action, allowed to use its connection under both service prefixes.
 *
 * aws-cdk-lib grants only `codestar-connections:UseConnection`. Connections created since the rename
 * (`aws codeconnections create-connection`, and the console since July 2024) have `codeconnections` ARNs,
 * and "the service prefix needs to match that of the resource" (Developer Tools console User Guide,
 * "Connections rename - Summary of changes"), so the action role also gets `codeconnections:UseConnection`;
 * the old action stays for connections created under the old prefix.
 */
export class ConnectionSourceAction extends actions.CodeStarConnectionsSourceAction {
  private readonly connectionArn: string;

  constructor(props: actions.CodeStarConnectionsSourceActionProps) {
    super(props);
    this.connectionArn = props.connectionArn;
  }

  protected override bound(scope: Construct, stage: IStage, options: ActionBindOptions): ActionConfig {
    options.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['codeconnections:UseConnection', 'codestar-connections:UseConnection'],
        resources: [this.connectionArn],
      }),
    );
    return super.bound(scope, stage, options);
  }
}
