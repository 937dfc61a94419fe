import { ConfigError } from '../../../contract/config-error';
import { UsageError } from './parse-command-args';

/**
 * Runs `parse` with the service's own parser inside, turning its {@link ConfigError} into a
 * {@link UsageError}: the service's message says what is allowed, and given as a flag or argument the bad
 * value is a usage error of the command. Anything else is rethrown as it is.
 */
export async function usageOnConfigError<T>(parse: () => T | Promise<T>, about?: string): Promise<T> {
  try {
    return await parse();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message, about);
    throw error;
  }
}
