import type { Writable } from 'node:stream';
import type { ProgressSnapshot } from '../local/rehearsal/rehearsal';
import type { SuiteEntry } from './plan/suite-plan';
import type { SuiteRun } from './plan/suite-run';
import { decidedBy } from './scorecard/scorecard';
import { CLEAR_LINE, type OutputStyle, type Tint } from '../terminal/output-style';

/** A stream as the live lines see it: a terminal has a width and height, anything else does not. */
export type LiveOut = Writable & { isTTY?: boolean; columns?: number; rows?: number };

type LineState =
  | { readonly kind: 'waiting' }
  | { readonly kind: 'running'; readonly snapshot?: ProgressSnapshot }
  | { readonly kind: 'done'; readonly run: SuiteRun };

/**
 * One line per rehearsal: waiting, running (with its lifecycle phase) or done (with its verdict). Where
 * `style` has live lines (a terminal) the block of lines is redrawn in place, each cut to the terminal's
 * width so nothing wraps, its verdicts in `style`'s colours; elsewhere (a CI log, a pipe) a plain line is
 * printed whenever a rehearsal's state or phase changes.
 */
export class LiveLines {
  private readonly states: LineState[];
  private readonly width: number;
  private drawn = 0;
  private readonly lastPlain: string[];

  constructor(
    private readonly out: LiveOut,
    private readonly entries: readonly SuiteEntry[],
    private readonly style: OutputStyle,
  ) {
    this.states = entries.map(() => ({ kind: 'waiting' }));
    this.lastPlain = entries.map(() => '');
    this.width = Math.max(...entries.map((e) => e.name.length), 8);
  }

  /** Redraws in place only when every line fits on the screen; otherwise lines would scroll away. */
  private get inPlace(): boolean {
    return this.style.live && (this.out.rows ?? 0) > this.entries.length;
  }

  start(): void {
    if (this.inPlace) this.redraw();
    else this.entries.forEach((_, i) => this.plain(i));
  }

  running(index: number, snapshot?: ProgressSnapshot): void {
    this.states[index] = { kind: 'running', ...(snapshot && { snapshot }) };
    this.update(index);
  }

  done(index: number, run: SuiteRun): void {
    this.states[index] = { kind: 'done', run };
    this.update(index);
  }

  private update(index: number): void {
    if (this.inPlace) this.redraw();
    else this.plain(index);
  }

  private plain(index: number): void {
    // Elapsed seconds change every tick: leave them out of the comparison so a log gets a line per change.
    const line = this.line(index, false);
    const key = line.replace(/\s+\d+ s\b/, '');
    if (key === this.lastPlain[index]) return;
    this.lastPlain[index] = key;
    this.out.write(`${line}\n`);
  }

  private redraw(): void {
    // A terminal of unknown width (e.g. under `script`) reports 0 columns: assume a common width.
    const columns = (this.out.columns ?? 0) >= 20 ? (this.out.columns ?? 0) : 120;
    const up = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    const lines = this.entries.map((_, i) => `${CLEAR_LINE}${this.line(i, true, columns - 1)}\n`);
    this.out.write(up + lines.join(''));
    this.drawn = lines.length;
  }

  private line(index: number, painted: boolean, max = Infinity): string {
    const state = this.states[index]!;
    const label = this.entries[index]!.name.padEnd(this.width);
    const [word, detail, tint] = describe(state);
    const head = `${label}  ${word.padEnd(8)}`;
    const text = `${head}  ${detail}`.trimEnd().slice(0, max);
    if (!painted || text.length <= label.length) return text;
    const tinted = this.style.paint(tint, text.slice(label.length + 2, head.length));
    return `${text.slice(0, label.length + 2)}${tinted}${text.slice(head.length)}`;
  }
}

function describe(state: LineState): [string, string, Tint] {
  if (state.kind === 'waiting') return ['waiting', '', 'dim'];
  if (state.kind === 'running') {
    const s = state.snapshot;
    if (!s) return ['running', 'starting', 'yellow'];
    const alarms = s.alarms.length === 0 ? '' : `, ALARM ${s.alarms.join(',')}`;
    return [
      'running',
      `${Math.floor(s.elapsedMs / 1000)} s  ${s.phase}, ${s.greenPercent} % green${alarms}`,
      'yellow',
    ];
  }
  const run = state.run;
  if (run.state === 'interrupted') return ['stopped', 'interrupted', 'red'];
  if (run.state === 'failed') return ['failed', `${Math.round(run.wallMs / 1000)} s  ${run.error}`, 'red'];
  const r = run.result;
  return [
    r.matched ? 'ok' : 'MISMATCH',
    `${Math.round(run.wallMs / 1000)} s  ${r.outcome} (expected ${r.expected.outcome}), decided by ${decidedBy(run)}`,
    r.matched ? 'green' : 'red',
  ];
}
