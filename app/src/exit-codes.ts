/**
 * Exit codes of the service process. Anything non-zero makes ECS count the task as failed; distinct codes
 * let an operator (and the local rehearsal) tell a bad configuration from an injected crash.
 */
export const EXIT_CODES = {
  /** Drained and stopped after SIGTERM/SIGINT. */
  ok: 0,
  /** An unexpected error (uncaught exception, unhandled rejection). */
  failure: 1,
  /** The `startup-crash` or `crash-after` fault. EX_SOFTWARE from sysexits.h. */
  injectedCrash: 70,
  /** Bad configuration or a listen error (port taken, no permission). EX_CONFIG from sysexits.h. */
  config: 78,
} as const;
