import { Writable } from 'node:stream';
import type { CliDeps } from '../../src/cli-deps';

/** A writable that keeps what was written, optionally pretending to be a terminal. */
export class MemoryStream extends Writable {
  text = '';
  isTTY?: boolean;
  constructor(tty = false) {
    super();
    if (tty) this.isTTY = true;
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export interface TestDeps extends CliDeps {
  readonly stdout: MemoryStream;
  readonly stderr: MemoryStream;
}

/** Deps for driving `main` in a test: memory streams, no environment, the given overrides. */
export function testDeps(overrides: Partial<CliDeps> & { tty?: boolean } = {}): TestDeps {
  const { tty = false, ...rest } = overrides;
  return {
    stdout: new MemoryStream(tty),
    stderr: new MemoryStream(),
    env: {},
    cwd: process.cwd(),
    ...rest,
  } as TestDeps;
}
