import type { ProgressSnapshot } from '../../src/local/rehearsal/rehearsal';
import { LiveLines } from '../../src/suite/live-lines';
import { suitePlan } from '../../src/suite/plan/suite-plan';
import { outputStyle, PLAIN_STYLE } from '../../src/terminal/output-style';
import { MemoryStream } from '../helpers/test-deps';
import { resultFor } from '../helpers/rehearsal-result';

const snapshot = (phase: string, elapsedMs: number, greenPercent = 0): ProgressSnapshot => ({
  elapsedMs,
  phase,
  greenPercent,
  health: {
    blue: { healthy: 2, unhealthy: 0, initial: 0 },
    green: { healthy: 0, unhealthy: 0, initial: 0 },
  } as ProgressSnapshot['health'],
  alarms: [],
  requestsPerSecond: 20,
  errorsPerSecond: 0,
});

const entries = suitePlan('none,health-fail');
const done = (index: number) => ({
  entry: entries[index]!,
  state: 'done' as const,
  result: resultFor(entries[index]!.faults),
  wallMs: 12_000,
});

describe('live lines', () => {
  test('elsewhere than a terminal: a plain line per rehearsal at the start, then one per change of state or phase', () => {
    const out = new MemoryStream();
    const lines = new LiveLines(out, entries, PLAIN_STYLE);
    lines.start();
    lines.running(0);
    lines.running(0, snapshot('Install', 3_000));
    lines.running(0, snapshot('Install', 4_000));
    lines.running(0, snapshot('Install', 5_000));
    lines.running(0, snapshot('AllowTraffic', 6_000, 10));
    lines.done(0, done(0));
    const printed = out.text.trimEnd().split('\n');
    expect(printed).toEqual([
      'none         waiting',
      'health-fail  waiting',
      'none         running   starting',
      'none         running   3 s  Install, 0 % green',
      'none         running   6 s  AllowTraffic, 10 % green',
      'none         ok        12 s  succeeded (expected succeeded), decided by every step passed',
    ]);
    expect(out.text).not.toContain('\x1b');
  });

  test('on a terminal: the block of lines is redrawn in place, cut to the width, coloured by verdict', () => {
    const out = Object.assign(new MemoryStream(true), { columns: 40, rows: 30 });
    const lines = new LiveLines(out, entries, outputStyle(out, {}));
    lines.start();
    lines.running(1, snapshot('Install', 2_000));
    lines.done(1, { ...done(1), result: resultFor({ 'health-fail': true }, { outcome: 'succeeded' }) });
    const frames = out.text.split('\x1b[2A');
    expect(frames).toHaveLength(3);
    const last = frames[2]!.split('\n').filter(Boolean);
    expect(last).toHaveLength(2);
    expect(last[1]).toContain('\x1b[31mMISMATCH');
    for (const line of last) {
      // eslint-disable-next-line no-control-regex
      const visible = line.replace(/\r|\x1b\[[\d;]*[A-Za-z]/g, '');
      expect(visible.length).toBeLessThanOrEqual(39);
    }
  });

  test('on a terminal with NO_COLOR: redrawn in place, without colour', () => {
    const out = Object.assign(new MemoryStream(true), { columns: 100, rows: 30 });
    const lines = new LiveLines(out, entries, outputStyle(out, { NO_COLOR: '1' }));
    lines.start();
    lines.done(1, done(1));
    expect(out.text).toContain('\x1b[2A');
    for (const sgr of ['\x1b[31m', '\x1b[32m', '\x1b[33m', '\x1b[2m']) expect(out.text).not.toContain(sgr);
  });

  test('a terminal too short for every line gets plain lines instead of a redraw that would scroll away', () => {
    const out = Object.assign(new MemoryStream(true), { columns: 100, rows: 2 });
    const lines = new LiveLines(out, entries, outputStyle(out, {}));
    lines.start();
    lines.running(0, snapshot('Install', 2_000));
    expect(out.text).not.toContain('\x1b[');
    expect(out.text.trimEnd().split('\n')).toHaveLength(3);
  });
});
