/**
 * A release input the build cannot ship: a missing or malformed build variable, or a release template that
 * does not describe a valid deployment. The message names the input, what was found and what is allowed,
 * so that the one line CodeBuild shows tells the reader what to fix.
 */
export class ReleaseInputError extends Error {
  override readonly name = 'ReleaseInputError';

  constructor(
    /** The variable or file (with a path inside it) that is wrong. */
    readonly input: string,
    message: string,
  ) {
    super(`${input}: ${message}`);
  }
}
