/**
 * A configuration value the service cannot run with. The message names the variable, the bad value and
 * what is allowed, so that one log line tells an operator what to fix.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly variable: string,
    readonly value: string,
    readonly allowed: string,
  ) {
    super(`${variable}=${JSON.stringify(value)} is not valid: ${allowed}`);
  }
}
