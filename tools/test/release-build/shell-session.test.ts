import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createShellSession } from '../../src/release-build/shell-session';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'shell-session-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('a build command ended by a signal', () => {
  it.each([
    ['INT', 130],
    ['KILL', 137],
    ['USR1', 138],
    ['TERM', 143],
  ])('reports SIG%s as %d, 128 + the signal number, as bash reports it', async (signal, status) => {
    const session = createShellSession({
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
      stateDir: dir,
      stdout: new PassThrough(),
      stderr: new PassThrough(),
    });
    expect(await session.run(`kill -${signal} $$`)).toBe(status);
  });
});
