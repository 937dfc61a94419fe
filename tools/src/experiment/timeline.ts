export type EventKind =
  'phase' | 'traffic' | 'health' | 'task' | 'alarm' | 'hook' | 'guard' | 'rollback' | 'outcome' | 'note';

/** One moment of a rehearsal, local or on AWS: the one timeline type every report reads. */
export interface TimelineEvent {
  /** Milliseconds since the rehearsal started (measured; compressed time in a local rehearsal). */
  readonly atMs: number;
  readonly kind: EventKind;
  readonly message: string;
}

/** Collects the rehearsal's events in order and passes each one on as it happens. */
export class Timeline {
  readonly events: TimelineEvent[] = [];
  private readonly startedAt: number;

  constructor(
    private readonly clock: { now(): number },
    private readonly onEvent?: (event: TimelineEvent) => void,
  ) {
    this.startedAt = clock.now();
  }

  /** Milliseconds since the start. */
  elapsed(): number {
    return this.clock.now() - this.startedAt;
  }

  add(kind: EventKind, message: string): TimelineEvent {
    const event = { atMs: Math.round(this.elapsed()), kind, message };
    this.events.push(event);
    this.onEvent?.(event);
    return event;
  }
}
