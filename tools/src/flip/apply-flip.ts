import { readFile, writeFile } from 'node:fs/promises';
import { formatFaults, parseFaults } from '../../../contract/faults/parse-faults';
import { readFaults, writeFaults } from './taskdef-faults';

export interface FlipChange {
  readonly file: string;
  readonly before: string;
  readonly after: string;
  readonly changed: boolean;
}

/**
 * Validates `entries` (`name` or `name=value`) with the service's own parser and writes them, normalized,
 * as the FAULTS of the task definition in `file`; no entries clears FAULTS. Throws before touching the file
 * when an entry or the file is bad.
 */
export async function applyFlip(file: string, entries: readonly string[]): Promise<FlipChange> {
  const after = entries.length === 0 ? '' : formatFaults(parseFaults(entries.join(',')));
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(`${file}: cannot read (${error.code ?? error.message})`);
  });
  const before = readFaults(text, file);
  if (before === after) return { file, before, after, changed: false };
  await writeFile(file, writeFaults(text, after, file));
  return { file, before, after, changed: true };
}
