/** Process state that `/health` reports and the shutdown module changes. */
export interface Lifecycle {
  /** When the process started, in epoch milliseconds (the `slow-start` fault counts from here). */
  readonly startedAt: number;
  /** True once SIGTERM/SIGINT arrived: `/health` answers 503 and responses close their connection. */
  draining: boolean;
}

export function createLifecycle(startedAt: number): Lifecycle {
  return { startedAt, draining: false };
}
