/** Characters of a bad value that a message shows; the rest is counted, not printed. */
export const SHOWN_VALUE_CHARS = 160;

/** Characters of the "what is allowed" part of a message, so no caller can make a message unbounded. */
const ALLOWED_CHARS = 600;

/**
 * `text` as a message may show it: whole when short, else its first `max` characters and how long it was,
 * so that a value of any length (a 1 MB `FAULTS`) still gives a log line a person can read.
 */
export function clipForMessage(text: string, max = SHOWN_VALUE_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length} characters)`;
}

/**
 * A configuration value the service cannot run with. The message names the variable, the bad value and
 * what is allowed, so that one log line tells an operator what to fix. It stays short whatever the value's
 * length: `value` is the value as shown, clipped to {@link SHOWN_VALUE_CHARS} characters.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** The bad value as the message shows it: whole when short, else clipped with its length. */
  readonly value: string;

  constructor(
    readonly variable: string,
    value: string,
    readonly allowed: string,
  ) {
    const shown = value.length <= SHOWN_VALUE_CHARS ? value : value.slice(0, SHOWN_VALUE_CHARS);
    const rest = value.length <= SHOWN_VALUE_CHARS ? '' : `... (${value.length} characters)`;
    super(
      `${clipForMessage(variable, 64)}=${JSON.stringify(shown)}${rest} is not valid: ${clipForMessage(allowed, ALLOWED_CHARS)}`,
    );
    this.value = clipForMessage(value);
  }
}
