import { isDeepStrictEqual } from 'node:util';
import { settings } from '../../../contract/settings';

const VARIABLE = 'FAULTS';

/** A task definition file that cannot be flipped; the file is left untouched. */
export class TaskDefError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'TaskDefError';
  }
}

interface EnvEntry {
  name?: unknown;
  value?: unknown;
}
interface TaskDef {
  containerDefinitions?: { name?: unknown; environment?: EnvEntry[] }[];
}

function faultsEntry(doc: TaskDef, file: string): EnvEntry {
  const containerName = settings.container.name;
  const container = doc.containerDefinitions?.find((c) => c.name === containerName);
  if (!container)
    throw new TaskDefError(file, `no container named "${containerName}" in containerDefinitions`);
  const entry = container.environment?.find((e) => e.name === VARIABLE);
  if (!entry) {
    throw new TaskDefError(
      file,
      `container "${containerName}" has no ${VARIABLE} entry in environment; add {"name": "${VARIABLE}", "value": ""}`,
    );
  }
  if (typeof entry.value !== 'string') throw new TaskDefError(file, `${VARIABLE} value must be a string`);
  return entry;
}

function parse(text: string, file: string): TaskDef {
  try {
    return JSON.parse(text) as TaskDef;
  } catch (error) {
    throw new TaskDefError(
      file,
      `not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/** The `FAULTS` value of the service's container in a task definition's text. */
export function readFaults(text: string, file = 'taskdef.json'): string {
  return faultsEntry(parse(text, file), file).value as string;
}

/**
 * The task definition text with the container's `FAULTS` set to `value` and nothing else changed: a file in
 * the canonical 2-space form is re-serialized, any other layout is edited in place, and either way the
 * result is checked to differ from the original in that one value only.
 */
export function writeFaults(text: string, value: string, file = 'taskdef.json'): string {
  const original = parse(text, file);
  const wanted = parse(text, file);
  faultsEntry(wanted, file).value = value;

  const canonical = `${JSON.stringify(original, null, 2)}\n`;
  let next: string;
  if (canonical === text) {
    next = `${JSON.stringify(wanted, null, 2)}\n`;
  } else {
    const pattern = /("name"\s*:\s*"FAULTS"\s*,\s*"value"\s*:\s*)"(?:[^"\\]|\\.)*"/g;
    const matches = text.match(pattern) ?? [];
    if (matches.length !== 1) {
      throw new TaskDefError(
        file,
        `cannot edit ${VARIABLE} in place (found ${matches.length} entries written as {"name": "FAULTS", "value": ...})`,
      );
    }
    next = text.replace(pattern, (_all, prefix: string) => `${prefix}${JSON.stringify(value)}`);
  }
  if (!isDeepStrictEqual(JSON.parse(next), wanted)) {
    throw new TaskDefError(
      file,
      `editing ${VARIABLE} would change more than its value; edit the file by hand`,
    );
  }
  return next;
}
