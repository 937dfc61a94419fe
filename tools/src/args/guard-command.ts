import { describeError } from '../aws/describe-error';
import type { CliDeps } from '../cli-deps';
import { relevantHelp, UsageError } from './parse-command-args';

/**
 * Runs a command body and maps what it throws to an exit code: usage errors print the relevant help line
 * and exit 2, anything else prints one clear sentence and exits 1.
 */
export async function guardCommand(
  help: string,
  deps: CliDeps,
  body: () => Promise<number>,
): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError) {
      deps.stderr.write(`${error.message}\n\n${relevantHelp(help, error.about)}\n`);
      return 2;
    }
    deps.stderr.write(`${describeError(error, deps.env)}\n`);
    return 1;
  }
}
