import { BUILD_VARIABLES } from '../../contract/build-variables';
import type { ReleaseVariables } from './release-variables';
import { ReleaseInputError } from './release-input-error';

/** A value the build fills in: the whole JSON/YAML string is `{{VARIABLE}}`, never part of a longer string. */
const PLACEHOLDER = /^\{\{([A-Z0-9_]+)\}\}$/;
const ANY_BRACES = /\{\{|\}\}/;

const BY_NAME = new Map<string, keyof ReleaseVariables>(
  Object.entries(BUILD_VARIABLES).map(([key, name]) => [name, key as keyof ReleaseVariables]),
);

/**
 * Replaces every `{{VARIABLE}}` string in a parsed template with the build variable's value. Placeholders
 * are whole values so that filling one cannot change the document's structure (which `sed` on the text
 * could); an unknown name or a placeholder inside a longer string is an error naming its location.
 */
export function fillPlaceholders(value: unknown, vars: ReleaseVariables, where: string): unknown {
  if (typeof value === 'string') {
    const match = PLACEHOLDER.exec(value);
    if (match?.[1] !== undefined) {
      const key = BY_NAME.get(match[1]);
      if (key === undefined) {
        throw new ReleaseInputError(
          where,
          `unknown placeholder ${value}; known: ${[...BY_NAME.keys()].map((n) => `{{${n}}}`).join(', ')}`,
        );
      }
      return vars[key];
    }
    if (ANY_BRACES.test(value)) {
      throw new ReleaseInputError(
        where,
        `${JSON.stringify(value)} mixes a placeholder with text; a placeholder must be the whole value`,
      );
    }
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((item, i) => fillPlaceholders(item, vars, `${where}[${i}]`));
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, fillPlaceholders(v, vars, `${where}.${k}`)]),
    );
  }
  return value;
}
