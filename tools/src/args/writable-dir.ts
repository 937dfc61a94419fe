import { mkdir, mkdtemp, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from './parse-command-args';

/**
 * Makes sure `dir` exists and takes new files, before any work whose result would go there: a report
 * that cannot be written must fail the command at once, as a usage error, not after a whole rehearsal.
 * Tries by creating the folder and a probe entry in it, and removes both again: a command refused later
 * (a failed preflight) leaves no empty folder behind.
 */
export async function ensureWritableDir(dir: string, flag: string): Promise<void> {
  try {
    const created = await mkdir(dir, { recursive: true });
    await rmdir(await mkdtemp(path.join(dir, '.write-check-')));
    // Only folders made just now, and so empty, are removed.
    if (created !== undefined) await rm(created, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(
      `${flag} ${dir}: cannot write there (${code}); give a folder you can write to`,
      flag,
    );
  }
}
