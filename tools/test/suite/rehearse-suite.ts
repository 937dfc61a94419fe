import { runSuiteCommand, type SuiteDeps } from '../../src/commands/suite';
import type { CliDeps } from '../../src/cli-deps';
import { MemoryStream } from '../helpers/test-deps';
import { ROOT, type LocalRun } from '../local/rehearse-local';

export interface SuiteResult {
  code: number;
  /** One `local --json` object per rehearsal, in the suite's order. */
  runs: LocalRun['json'][];
  stdout: string;
  stderr: string;
  wallMs: number;
}

/** Runs `rehearse suite ARGS --json` in process against the real, compiled service. */
export async function rehearseSuite(
  args: readonly string[],
  extra: Partial<CliDeps> = {},
  suite: SuiteDeps = {},
): Promise<SuiteResult> {
  const stdout = new MemoryStream();
  const stderr = new MemoryStream();
  const started = Date.now();
  const code = await runSuiteCommand(
    [...args, '--json'],
    { stdout, stderr, env: {}, cwd: ROOT, ...extra },
    suite,
  );
  const wallMs = Date.now() - started;
  if (code === 2) throw new Error(`usage error: ${stderr.text}`);
  return {
    code,
    runs: (JSON.parse(stdout.text) as { rehearsals: LocalRun['json'][] }).rehearsals,
    stdout: stdout.text,
    stderr: stderr.text,
    wallMs,
  };
}
