import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/**
 * Runs cdk-nag's AwsSolutions pack whenever `app` synthesizes, so `cdk synth` and `cdk deploy` stop on an
 * unacknowledged finding and name it, instead of only the tests knowing. Acknowledgements sit next to their
 * constructs (`Validations.of(construct).acknowledge`).
 */
export function checkOnSynth(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}
