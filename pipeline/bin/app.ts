/**
 * The CDK app's entry: the only place that reads context. Stacks are environment-agnostic so synthesis
 * needs no credentials and no look-ups; `cdk deploy` uses the account and region of the caller.
 */
import { App } from 'aws-cdk-lib';
import { checkOnSynth } from '../lib/nag-on-synth';
import { addReleasePipeline } from '../lib/release-pipeline-context';
import { parseServiceContext } from '../lib/service-context';
import { ServiceStack } from '../lib/service-stack';
import { STACK_NAMES } from '../../contract/stack-outputs';

const app = new App();
const context = parseServiceContext((key) => app.node.tryGetContext(key));

const service = new ServiceStack(app, STACK_NAMES.service, {
  description:
    context.controller === 'ecs'
      ? 'ecs-rollback-rehearsal: ECS Fargate service released by native ECS blue/green'
      : 'ecs-rollback-rehearsal: ECS Fargate service released blue/green by CodeDeploy',
  ...context,
});
// The pipeline stack only when a GitHub connection is given; otherwise a warning says how to add it.
addReleasePipeline(app, service, (key) => app.node.tryGetContext(key));
checkOnSynth(app);

app.synth();
