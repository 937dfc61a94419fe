import type { Writable } from 'node:stream';
import type { ProgressSnapshot } from '../rehearsal/rehearsal';
import { describeEvent, EVENT_KIND, type RehearsalEvent } from '../../experiment/rehearsal-event';
import { CLEAR_LINE, type OutputStyle } from '../../terminal/output-style';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1).padStart(6)} s`;

/** One event of the record as a plain line. */
export function formatEvent(event: RehearsalEvent): string {
  return `[${seconds(event.atMs)}] ${EVENT_KIND[event.type].padEnd(8)} ${describeEvent(event)}`;
}

/** The live status line: phase, traffic split, target health, alarms, request and error rates. */
export function formatSnapshot(s: ProgressSnapshot): string {
  const health = (name: 'blue' | 'green'): string => {
    const h = s.health[name];
    return `${name} ${h.healthy}ok/${h.unhealthy}bad${h.initial ? `/${h.initial}new` : ''}`;
  };
  return [
    `[${seconds(s.elapsedMs)}] ${s.phase}`,
    `prod ${100 - s.greenPercent}/${s.greenPercent} blue/green`,
    `${health('blue')} ${health('green')}`,
    `alarms: ${s.alarms.length === 0 ? 'none' : s.alarms.join(',')}`,
    `${s.requestsPerSecond} req/s ${s.errorsPerSecond} err/s`,
  ].join(' | ');
}

/**
 * Live progress: where `style` has live lines (a terminal), events scroll above one status line that is
 * redrawn in place; elsewhere, one plain line per event and no status line.
 */
export class ProgressWriter {
  private status = '';

  constructor(
    private readonly out: Writable & { columns?: number },
    private readonly style: OutputStyle,
  ) {}

  event(event: RehearsalEvent): void {
    if (this.style.live) this.out.write(`${CLEAR_LINE}${formatEvent(event)}\n${this.status}`);
    else this.out.write(`${formatEvent(event)}\n`);
  }

  /** A block of text for the person (e.g. what to do while the deployment holds), above the status line. */
  note(text: string): void {
    if (this.style.live) this.out.write(`${CLEAR_LINE}${text}\n${this.status}`);
    else this.out.write(`${text}\n`);
  }

  snapshot(snapshot: ProgressSnapshot): void {
    if (!this.style.live) return;
    // A terminal of unknown width (e.g. under `script`) reports 0 columns: assume a common width.
    const width = (this.out.columns ?? 0) >= 40 ? (this.out.columns ?? 0) : 120;
    this.status = formatSnapshot(snapshot).slice(0, width - 1);
    this.out.write(`${CLEAR_LINE}${this.status}`);
  }

  /** Clears the status line before the summary. */
  done(): void {
    if (this.style.live) this.out.write(CLEAR_LINE);
  }
}
