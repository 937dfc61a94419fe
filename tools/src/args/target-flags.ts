import type { TargetFlags } from '../aws/resolve-controller';
import { controllerFlag } from './controller-flag';

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
