import type { EventInput, RehearsalEvent } from './rehearsal-event';

/** Collects a rehearsal's typed events in order, stamps each with its time, and passes it on as it happens. */
export class RehearsalRecord {
  readonly events: RehearsalEvent[] = [];
  private readonly startedAt: number;

  /** `startedAt` (clock time) is time zero, by default the moment the record is made. */
  constructor(
    private readonly clock: { now(): number },
    private readonly onEvent?: (event: RehearsalEvent) => void,
    startedAt?: number,
  ) {
    this.startedAt = startedAt ?? clock.now();
  }

  /** Milliseconds since the start. */
  elapsed(): number {
    return this.clock.now() - this.startedAt;
  }

  add(input: EventInput): RehearsalEvent {
    const event = { ...input, atMs: Math.round(this.elapsed()) } as RehearsalEvent;
    this.events.push(event);
    this.onEvent?.(event);
    return event;
  }
}
