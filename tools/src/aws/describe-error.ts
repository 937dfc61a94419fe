/**
 * Turns AWS SDK and credential errors into one sentence that says what is missing and how to fix it;
 * anything else keeps its own message.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const name = error.name;
  const message = error.message;
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return `No AWS credentials: ${message}. Set AWS_PROFILE (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and try again.`;
  }
  if (/Region is missing/i.test(message)) {
    return 'No AWS region: set AWS_REGION (or a region in your AWS profile) and try again.';
  }
  if ((name === 'ValidationError' || name === 'ValidationException') && /does not exist/i.test(message)) {
    return `${message}. Deploy the stacks first (npm run synth, then cdk deploy) or check AWS_REGION.`;
  }
  if (name.endsWith('DoesNotExistException')) {
    return `${name.replace(/Exception$/, '')}: ${message}`;
  }
  if (name === 'ExpiredTokenException' || name === 'ExpiredToken') {
    return `AWS credentials expired: ${message}. Refresh them (aws sso login) and try again.`;
  }
  return message;
}
