import type { Writable } from 'node:stream';

/** What every command gets from the entry file; tests pass their own. */
export interface CliDeps {
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export interface Command {
  readonly summary: string;
  run(argv: readonly string[], deps: CliDeps): Promise<number>;
}

export function defaultDeps(): CliDeps {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** The rehearsal commands, in the order the help text lists them. Each lives in its own file. */
export const COMMANDS: Record<string, Command> = {};
