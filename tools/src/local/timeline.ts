import type { Clock } from './clock';

export type EventKind =
  'phase' | 'traffic' | 'health' | 'task' | 'alarm' | 'hook' | 'rollback' | 'outcome' | 'note';

/** One moment of the rehearsal. */
export interface TimelineEvent {
  /** Milliseconds since the rehearsal started (measured, compressed time). */
  readonly atMs: number;
  readonly kind: EventKind;
  readonly message: string;
}

/** Collects the rehearsal's events in order and passes each one on as it happens. */
export class Timeline {
  readonly events: TimelineEvent[] = [];
  private readonly startedAt: number;

  constructor(
    private readonly clock: Clock,
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
