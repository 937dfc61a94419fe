import type { TargetFlags } from '../aws/resolve-controller';
import { controllerFlag } from './controller-flag';
import { UsageError } from './parse-command-args';

/**
 * The flags that name a release target (the controller and its CodeDeploy group or ECS service, else the
 * stack whose outputs name them), the same for every command that acts on a deployment.
 */
export const TARGET_OPTIONS = {
  controller: { type: 'string' },
  application: { type: 'string' },
  'deployment-group': { type: 'string' },
  cluster: { type: 'string' },
  service: { type: 'string' },
  stack: { type: 'string' },
} as const;

type TargetValues = { readonly [K in keyof typeof TARGET_OPTIONS]?: string | undefined };

/** The target flags as `resolveReleaseTarget` takes them; a bad controller name is a usage error. */
export function targetFlags(values: TargetValues): TargetFlags {
  return {
    controller: controllerFlag(values.controller),
    application: values.application,
    deploymentGroup: values['deployment-group'],
    cluster: values.cluster,
    service: values.service,
    stack: values.stack,
  };
}

/**
 * `--local` reaches the local rehearsal or `up` running in this folder, so the flags that find and follow a
 * deployment on AWS name nothing there: any of them is a usage error.
 */
export function refuseAwsFlagsWithLocal(values: Record<string, unknown>): void {
  const awsOnly = [...Object.keys(TARGET_OPTIONS), 'no-wait', 'poll'].filter(
    (flag) => values[flag] !== undefined && values[flag] !== false,
  );
  if (awsOnly.length > 0)
    throw new UsageError(`--local takes none of the AWS flags; got --${awsOnly.join(', --')}`, '--local');
}
