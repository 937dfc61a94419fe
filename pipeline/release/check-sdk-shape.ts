/**
 * Checks a plain value against an AWS SDK v3 input shape at run time, using the static schema the SDK
 * ships for its own serializer (for example `RegisterTaskDefinitionRequest$` from `@aws-sdk/client-ecs`).
 * Reading the SDK's schema rather than a hand-written copy means a new ECS field is accepted as soon as the
 * SDK knows it, and a misspelt one (`healthcheck` for `healthCheck`) is caught before ECS rejects it in the
 * middle of a deployment.
 *
 * The schema encoding (smithy's StaticSchema): a number for simple types (0 string, 1 number, 2 boolean,
 * 4-7 timestamp, 15 document, 17/19 big numbers, 21/42 blob; 64|n a list of n, 128|n a map to n), or a
 * tuple `[kind, namespace, name, traits, ...]` with kind 0 (simple, ref at 4), 1 (list, member at 4),
 * 2 (map, key at 4, value at 5), 3/-3 (structure) or 4 (union), whose member names are at 4, member schemas
 * at 5 and the number of leading required members at 6. References can be thunks, and a member with traits
 * is `[ref, traits]`.
 */
import { describeValue as describe } from '../../contract/describe-value';

type SchemaRef = unknown;

const deref = (ref: SchemaRef): unknown => (typeof ref === 'function' ? (ref as () => unknown)() : ref);

/** Strips member wrappers (`[ref, traits]`) and simple-schema tuples down to the underlying schema. */
function resolve(ref: SchemaRef): unknown {
  let schema = deref(ref);
  for (;;) {
    if (Array.isArray(schema) && schema.length === 2) {
      schema = deref(schema[0]);
    } else if (Array.isArray(schema) && schema[0] === 0 && schema.length >= 5) {
      schema = deref(schema[4]);
    } else {
      return schema;
    }
  }
}

function checkNumbered(code: number, value: unknown, path: string, problems: string[]): void {
  if (code >= 64 && code < 128) {
    checkList(code & 0b0011_1111, value, path, problems);
  } else if (code >= 128 && code <= 255) {
    checkMap(code & 0b0011_1111, value, path, problems);
  } else if (code === 0) {
    if (typeof value !== 'string') problems.push(`${path} must be a string, got ${describe(value)}`);
  } else if (code === 1 || code === 17 || code === 19) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      problems.push(`${path} must be a number, got ${describe(value)}`);
    }
  } else if (code === 2) {
    if (typeof value !== 'boolean') problems.push(`${path} must be true or false, got ${describe(value)}`);
  }
  // Timestamps, blobs and documents do not occur in the shapes this project checks: accept them as given.
}

function checkList(member: SchemaRef, value: unknown, path: string, problems: string[]): void {
  if (!Array.isArray(value)) {
    problems.push(`${path} must be an array, got ${describe(value)}`);
    return;
  }
  value.forEach((item, i) => checkValue(member, item, `${path}[${i}]`, problems));
}

function checkMap(valueSchema: SchemaRef, value: unknown, path: string, problems: string[]): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${path} must be an object, got ${describe(value)}`);
    return;
  }
  for (const [key, item] of Object.entries(value)) checkValue(valueSchema, item, `${path}.${key}`, problems);
}

function checkStructure(schema: readonly unknown[], value: unknown, path: string, problems: string[]): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${path} must be an object, got ${describe(value)}`);
    return;
  }
  const names = schema[4] as readonly string[];
  const members = schema[5] as readonly SchemaRef[];
  const required = typeof schema[6] === 'number' ? schema[6] : 0;
  const record = value as Record<string, unknown>;
  names.slice(0, required).forEach((name) => {
    if (record[name] === undefined) problems.push(`${path}.${name} is required`);
  });
  for (const [key, item] of Object.entries(record)) {
    const index = names.indexOf(key);
    if (index === -1) {
      problems.push(`${path}.${key} is not a field of ${String(schema[2])}; allowed: ${names.join(', ')}`);
    } else if (item !== undefined) {
      checkValue(members[index], item, `${path}.${key}`, problems);
    }
  }
}

function checkValue(ref: SchemaRef, value: unknown, path: string, problems: string[]): void {
  const schema = resolve(ref);
  if (typeof schema === 'number') {
    checkNumbered(schema, value, path, problems);
  } else if (Array.isArray(schema)) {
    const kind: unknown = schema[0];
    if (kind === 1) checkList(schema[4], value, path, problems);
    else if (kind === 2) checkMap(schema[5], value, path, problems);
    else if (kind === 3 || kind === -3 || kind === 4) checkStructure(schema, value, path, problems);
  }
}

/**
 * Returns every place where `value` does not fit the SDK schema: unknown fields, missing required fields
 * and wrong JSON types, each with its path (`root.containerDefinitions[0].healthCheck.command`). Enum
 * values are not in the schema; ECS checks those.
 */
export function checkSdkShape(schema: unknown, value: unknown, root: string): string[] {
  const problems: string[] = [];
  checkValue(schema, value, root, problems);
  return problems;
}
