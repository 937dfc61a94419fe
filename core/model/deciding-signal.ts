/**
 * The signals the rehearsal model knows, in a file of their own so the timing inputs can name one (an alarm
 * in ALARM at the start) without an import cycle with the signal paths.
 */

/** The signals that can tell the deployment's controller to roll back. */
export type DecidingSignal =
  | 'test-traffic hook'
  | 'stopped-task guard'
  | 'target-health watcher'
  | 'unhealthy-hosts alarm'
  | 'stopped-tasks alarm'
  | 'target-5xx alarm'
  | 'elb-5xx alarm'
  | 'response-time alarm';
