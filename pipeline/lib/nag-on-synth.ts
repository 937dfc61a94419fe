import { Validations, type App } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { AwsSolutionsChecks } from 'cdk-nag';

/**
 * Runs cdk-nag's AwsSolutions pack and AWS Control Tower's proactive controls (cfn-guard rules, bundled
 * with their binary in `@cdklabs/cdk-validator-cfnguard`, so they run offline) whenever `app` synthesizes,
 * so `cdk synth` and `cdk deploy` stop on an unacknowledged finding and name it, instead of only the tests
 * knowing. Acknowledgements sit next to their constructs (`Validations.of(construct).acknowledge`, and
 * `acknowledgeControl` in `control-tower.ts`).
 */
export function checkOnSynth(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new CfnGuardValidator());
}
