import type { EndpointError } from './clients';

/** Network failures of a call that got no (usable) answer from the endpoint. */
const NO_ANSWER_CODES = new Set([
  'ETIMEDOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** The endpoint a failed call went to: recorded on the error, else what the environment points at. */
function endpointOf(error: EndpointError, env: NodeJS.ProcessEnv): string {
  if (error.endpoint) return error.endpoint;
  if (env.AWS_ENDPOINT_URL) return `${env.AWS_ENDPOINT_URL} (AWS_ENDPOINT_URL)`;
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  return region ? `the AWS endpoints of ${region}` : 'the AWS endpoints of your configured region';
}

function describeNoAnswer(error: EndpointError, env: NodeJS.ProcessEnv): string {
  const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts;
  const tried = attempts && attempts > 1 ? ` after ${attempts} attempts` : '';
  const checks = env.AWS_ENDPOINT_URL
    ? 'check AWS_ENDPOINT_URL, which replaces the real AWS endpoints'
    : 'check AWS_REGION, HTTPS_PROXY and any firewall between here and AWS';
  return `No answer from ${endpointOf(error, env)}${tried} (${error.message}): ${checks}, then try again.`;
}

/**
 * Turns AWS SDK and credential errors into one sentence that says what is missing and how to fix it;
 * anything else keeps its own message. A call that got no answer names the endpoint and what to check.
 */
export function describeError(error: unknown, env: NodeJS.ProcessEnv = {}): string {
  if (!(error instanceof Error)) return String(error);
  const name = error.name;
  const message = error.message;
  const code = (error as NodeJS.ErrnoException).code;
  if (name === 'TimeoutError' || (code !== undefined && NO_ANSWER_CODES.has(code))) {
    return describeNoAnswer(error, env);
  }
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
