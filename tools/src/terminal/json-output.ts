import type { Writable } from 'node:stream';

/**
 * The version of every `--json` output's shape. Raised when a field is renamed or removed or changes
 * meaning; new fields keep it.
 */
export const JSON_SCHEMA_VERSION = 1;

/**
 * Writes a command's `--json` result on `out`: one object with `schemaVersion` first, then `result`'s
 * fields (a list goes under a named field, so every output is an object a reader can check the version of).
 */
export function writeJson(out: Writable, result: object): void {
  out.write(`${JSON.stringify({ schemaVersion: JSON_SCHEMA_VERSION, ...result }, null, 2)}\n`);
}
