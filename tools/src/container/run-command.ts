import { spawn } from 'node:child_process';
import { exitStatus } from '../process/exit-status';

/** How a finished command ended. `code` 127 with `missing` set means the executable was not found. */
export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly missing: boolean;
}

/** Runs one command to completion; tests replace it to drive the engine code without a container engine. */
export type RunCommand = (
  command: string,
  args: readonly string[],
  options?: { readonly cwd?: string; readonly onOutput?: (chunk: string) => void },
) => Promise<CommandResult>;

/** Runs `command args` without a shell and collects its output; never rejects. */
export const runCommand: RunCommand = (command, args, options = {}) =>
  new Promise((resolve) => {
    const child = spawn(command, [...args], { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      out.push(chunk);
      options.onOutput?.(chunk.toString('utf8'));
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err.push(chunk);
      options.onOutput?.(chunk.toString('utf8'));
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      resolve({ code: 127, stdout: '', stderr: error.message, missing: error.code === 'ENOENT' });
    });
    child.once('close', (code, signal) => {
      resolve({
        code: exitStatus(code, signal),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        missing: false,
      });
    });
  });
