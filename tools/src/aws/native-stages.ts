/**
 * The lifecycle stages of a native ECS blue/green service deployment, in the order ECS runs them
 * (Amazon ECS API Reference, `ServiceDeployment.lifecycleStage`; ECS Developer Guide, "Amazon ECS
 * blue/green service deployments workflow"). `PRE_PRODUCTION_TRAFFIC_SHIFT` is documented there but not
 * yet in the SDK's enum, hence plain strings.
 */
export const NATIVE_STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP',
] as const;

/** Where a stage sits in the run, or -1 for a stage this list does not know yet. */
export const stageIndex = (stage: string): number => (NATIVE_STAGES as readonly string[]).indexOf(stage);

/**
 * Whether green has scaled up by the time ECS is at `stage`: ECS's POST_SCALE_UP means "the green service
 * revision has started", and every later stage comes after it.
 */
export const greenStartedAt = (stage: string): boolean => stageIndex(stage) >= stageIndex('POST_SCALE_UP');

/** The stage at which ECS sends the test listener's traffic to green: the hook's stage follows it. */
export const TEST_TRAFFIC_STAGE = 'TEST_TRAFFIC_SHIFT';

/** The stage the stack's test-traffic hook runs at (the service stack's lifecycle hook). */
export const TEST_HOOK_STAGE = 'POST_TEST_TRAFFIC_SHIFT';
