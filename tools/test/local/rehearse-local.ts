import path from 'node:path';
import { runLocal } from '../../src/commands/local';
import type { RehearsalEvent } from '../../src/experiment/rehearsal-event';
import { MemoryStream } from '../helpers/test-deps';

/** The repository root: the e2e tests spawn the compiled service from `dist/` there. */
export const ROOT = path.resolve(__dirname, '../../..');

export interface LocalRun {
  code: number;
  json: {
    faults: string;
    outcome: string;
    expected: { outcome: string; signal: string };
    matched: boolean;
    reason: string;
    trigger: string | null;
    decidedBy: string | null;
    detectedAwsSeconds: number | null;
    modelledAws: { decidedBy?: string; seconds?: number } | null;
    productionShifted: boolean;
    load: {
      requests: number;
      failed: number;
      byVersion: Record<string, number>;
      failedByVersion: Record<string, number>;
    };
    times: { measuredMs: { detection: number | null; rollback: number | null; deployment: number } };
    events: RehearsalEvent[];
  };
  wallMs: number;
  stderr: string;
}

/** Runs `rehearse local ARGS --json` in process against the real, compiled service. */
export async function rehearseLocal(args: readonly string[]): Promise<LocalRun> {
  const stdout = new MemoryStream();
  const stderr = new MemoryStream();
  const started = Date.now();
  const code = await runLocal([...args, '--json'], { stdout, stderr, env: {}, cwd: ROOT });
  const wallMs = Date.now() - started;
  if (code === 2) throw new Error(`usage error: ${stderr.text}`);
  return { code, json: JSON.parse(stdout.text) as LocalRun['json'], wallMs, stderr: stderr.text };
}
