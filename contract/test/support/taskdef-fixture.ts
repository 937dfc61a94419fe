import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseFaults } from '../../faults/parse-faults';
import { settings } from '../../settings';

/** The repository's committed `taskdef.json`, the file a flip edits. */
export const COMMITTED_TASKDEF = path.resolve(__dirname, '../../../taskdef.json');

interface EnvEntry {
  name: string;
  value: string;
}
interface TaskDefShape {
  containerDefinitions: { name: string; environment: EnvEntry[] }[];
}

/** The `FAULTS` value of the service container in a task definition's text. */
export function faultsIn(taskdefText: string): string | undefined {
  const doc = JSON.parse(taskdefText) as TaskDefShape;
  const container = doc.containerDefinitions.find((c) => c.name === settings.container.name);
  return container?.environment.find((e) => e.name === 'FAULTS')?.value;
}

/**
 * The committed `taskdef.json` with `FAULTS` set to `faults`, written as the file is (two-space JSON and a
 * final newline). Tests that take a task definition as input start from this instead of the committed file,
 * whose `FAULTS` is whatever the last flip left there: every rehearsal commit flips it.
 */
export function taskdefWithFaults(faults: string): string {
  const doc = JSON.parse(readFileSync(COMMITTED_TASKDEF, 'utf8')) as TaskDefShape;
  const container = doc.containerDefinitions.find((c) => c.name === settings.container.name);
  const entry = container?.environment.find((e) => e.name === 'FAULTS');
  if (entry === undefined) throw new Error(`${COMMITTED_TASKDEF}: no FAULTS entry to set`);
  entry.value = faults;
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * Asserts what a release build may hold the committed `FAULTS` to: a fault list the service itself accepts
 * under the release's limits. Throws the service's own message otherwise. Empty is one such list; a flip's
 * value is another, and the release build must pass on both.
 */
export function expectReleasableFaults(value: string | undefined): void {
  if (value === undefined) throw new Error('taskdef.json: the service container has no FAULTS entry');
  parseFaults(value);
}
