import type { Template } from 'aws-cdk-lib/assertions';

/**
 * The controller each of the stack's functions is told it runs under (`DEPLOYMENT_CONTROLLER`), by the
 * function's logical ID: the hook, the guard and the watcher are one function each, whichever controller.
 */
export function functionControllers(template: Template): Record<string, unknown> {
  const functions = template.findResources('AWS::Lambda::Function') as Record<
    string,
    { Properties: { Environment?: { Variables?: Record<string, unknown> } } }
  >;
  return Object.fromEntries(
    Object.entries(functions).flatMap(([id, fn]) => {
      const controller = fn.Properties.Environment?.Variables?.DEPLOYMENT_CONTROLLER;
      return controller === undefined ? [] : [[id, controller]];
    }),
  );
}

/** The logical IDs the three functions had before they were one per job: a stack update keeps them. */
export const JOB_FUNCTION_IDS = [
  'StoppedTaskGuardFunction794F602B',
  'TargetHealthWatcherFunctionEE6DAD9B',
  'TestTrafficHookFunction510F3CEE',
] as const;
