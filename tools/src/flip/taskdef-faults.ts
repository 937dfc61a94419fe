import { isDeepStrictEqual } from 'node:util';
import { settings } from '../../../contract/settings';
import { describeValue as describe } from '../../../contract/describe-value';

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
interface ContainerDefinition {
  name?: unknown;
  environment?: EnvEntry[];
}
interface TaskDef {
  containerDefinitions?: ContainerDefinition[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The array at `where` when it is an array of objects (missing is an empty array); anything else, JSON
 * that parses but is not the task definition shape ECS takes, is refused by name instead of failing later
 * on a property of `null` or a number.
 */
function objectsAt<T>(value: unknown, where: string, file: string): T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw new TaskDefError(file, `${where} must be an array, got ${describe(value)}`);
  const bad = value.findIndex((item) => !isObject(item));
  if (bad !== -1) {
    throw new TaskDefError(file, `${where}[${bad}] must be an object, got ${describe(value[bad])}`);
  }
  return value as T[];
}

function faultsEntry(doc: TaskDef, file: string): EnvEntry {
  const containerName = settings.container.name;
  const containers = objectsAt<ContainerDefinition>(doc.containerDefinitions, 'containerDefinitions', file);
  const index = containers.findIndex((c) => c.name === containerName);
  const container = containers[index];
  if (!container)
    throw new TaskDefError(file, `no container named "${containerName}" in containerDefinitions`);
  const environment = objectsAt<EnvEntry>(
    container.environment,
    `containerDefinitions[${index}].environment`,
    file,
  );
  const entries = environment.filter((e) => e.name === VARIABLE);
  const entry = entries[0];
  if (!entry) {
    throw new TaskDefError(
      file,
      `container "${containerName}" has no ${VARIABLE} entry in environment; add {"name": "${VARIABLE}", "value": ""}`,
    );
  }
  // With two entries, which one the service sees is up to the container runtime: a flip could not say what it releases.
  if (entries.length > 1) {
    throw new TaskDefError(
      file,
      `container "${containerName}" has ${entries.length} ${VARIABLE} entries in environment; keep one`,
    );
  }
  if (typeof entry.value !== 'string') throw new TaskDefError(file, `${VARIABLE} value must be a string`);
  return entry;
}

function parse(text: string, file: string): TaskDef {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new TaskDefError(
      file,
      `not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (!isObject(doc)) {
    throw new TaskDefError(file, `must hold a task definition object, got ${describe(doc)}`);
  }
  return doc;
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
