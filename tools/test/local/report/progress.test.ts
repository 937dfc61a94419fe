import type { RehearsalEvent } from '../../../src/experiment/rehearsal-event';
import { ProgressWriter } from '../../../src/local/report/progress';
import type { ProgressSnapshot } from '../../../src/local/rehearsal/rehearsal';
import { MemoryStream } from '../../helpers/test-deps';
import { outputStyle, PLAIN_STYLE } from '../../../src/terminal/output-style';

const snapshot: ProgressSnapshot = {
  elapsedMs: 12_300,
  phase: 'AllowTraffic',
  greenPercent: 10,
  health: {
    blue: { healthy: 2, unhealthy: 0, initial: 0, draining: 0 },
    green: { healthy: 1, unhealthy: 1, initial: 0, draining: 0 },
  },
  alarms: ['unhealthy-hosts-green'],
  requestsPerSecond: 20,
  errorsPerSecond: 1,
};
const event = {
  atMs: 12_000,
  type: 'alarm',
  alarm: 'unhealthy-hosts-green',
  state: 'ALARM',
} satisfies RehearsalEvent;

describe('live progress', () => {
  test('on a terminal: one status line redrawn in place, events printed above it', () => {
    const out = Object.assign(new MemoryStream(), { isTTY: true, columns: 200 });
    const progress = new ProgressWriter(out, outputStyle(out, {}));
    progress.snapshot(snapshot);
    progress.event(event);
    expect(out.text).toContain(
      '\r\x1b[2K[  12.3 s] AllowTraffic | prod 90/10 blue/green | blue 2ok/0bad green 1ok/1bad',
    );
    expect(out.text).toContain('alarms: unhealthy-hosts-green | 20 req/s 1 err/s');
    const afterEvent = out.text.slice(
      out.text.indexOf('\r\x1b[2K[  12.0 s] alarm    unhealthy-hosts-green ALARM\n'),
    );
    expect(afterEvent).toContain('ALARM\n[  12.3 s] AllowTraffic');
  });

  test('on a terminal with TERM=dumb: plain lines, as elsewhere', () => {
    const out = Object.assign(new MemoryStream(), { isTTY: true, columns: 200 });
    const progress = new ProgressWriter(out, outputStyle(out, { TERM: 'dumb' }));
    progress.snapshot(snapshot);
    progress.event(event);
    expect(out.text).toBe('[  12.0 s] alarm    unhealthy-hosts-green ALARM\n');
  });

  test('elsewhere: plain lines for events and no status line', () => {
    const out = new MemoryStream();
    const progress = new ProgressWriter(out, PLAIN_STYLE);
    progress.snapshot(snapshot);
    progress.event(event);
    progress.done();
    expect(out.text).toBe('[  12.0 s] alarm    unhealthy-hosts-green ALARM\n');
  });
});
