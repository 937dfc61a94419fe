/**
 * The CDK app's entry: the only place that reads context and the deploy settings (`deploy-settings.json`,
 * `../lib/deploy-settings.ts`). Stacks are environment-agnostic so synthesis needs no credentials and no
 * look-ups; `cdk deploy` uses the account and region of the caller.
 */
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { deploySettingsLookup } from '../lib/deploy-settings';
import { checkOnSynth } from '../lib/nag-on-synth';
import { addReleasePipeline } from '../lib/release-pipeline-context';
import { parseServiceContext } from '../lib/service-context';
import { ServiceStack } from '../lib/service-stack';
import { STACK_NAMES } from '../../contract/stack-outputs';

const app = new App();
const setting = deploySettingsLookup(path.join(__dirname, '..', '..'), (key) => app.node.tryGetContext(key));
const context = parseServiceContext(setting);

const service = new ServiceStack(app, STACK_NAMES.service, {
  description:
    context.controller === 'ecs'
      ? 'ecs-rollback-rehearsal: ECS Fargate service released by native ECS blue/green'
      : 'ecs-rollback-rehearsal: ECS Fargate service released blue/green by CodeDeploy',
  ...context,
});
// The pipeline stack only when a GitHub connection is given; otherwise a warning says how to add it.
addReleasePipeline(app, service, setting);
checkOnSynth(app);

app.synth();
