/**
 * One AWS call that a Lambda makes inside its time budget: retried while AWS throttles or fails on its
 * side, each attempt cut off at the budget, so the caller always gets an answer or a classified failure
 * before the function's own timeout. The SDK's own retries (three attempts by default) run inside each
 * attempt; this adds the ones a Lambda can afford after them.
 */

/** Why a call gave up, for the caller's classified result. */
export class CallGaveUp extends Error {
  override readonly name = 'CallGaveUp';
  constructor(
    message: string,
    /** The last error AWS returned, if any. */
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

export interface Budget {
  /** Milliseconds the Lambda has left (`context.getRemainingTimeInMillis`). */
  readonly remainingMs: () => number;
  /** Kept back from `remainingMs` for what the caller still has to do after this call. */
  readonly reserveMs: number;
  /** Waits between attempts; tests pass a fast one. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

const RETRYABLE_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalServerError',
  'RequestTimeout',
  'TimeoutError',
]);

/** Throttling and AWS-side failures are worth another attempt; anything else is the answer. */
export function isRetryable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, $retryable, $metadata } = error as {
    name?: unknown;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  const status = $metadata?.httpStatusCode;
  return (
    (typeof name === 'string' && RETRYABLE_NAMES.has(name)) ||
    $retryable !== undefined ||
    status === 429 ||
    (status !== undefined && status >= 500)
  );
}

const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 2_000;
const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `call` until it succeeds, fails with an error that is not {@link isRetryable}, or the budget
 * (`remainingMs() - reserveMs`) is spent. Rejects with the call's own error when it is not retryable, and
 * with {@link CallGaveUp} when the budget ran out; `what` names the call in that message.
 */
export async function callWithinBudget<T>(
  what: string,
  call: (abortSignal: AbortSignal) => Promise<T>,
  budget: Budget,
): Promise<T> {
  const sleep = budget.sleep ?? defaultSleep;
  const left = (): number => budget.remainingMs() - budget.reserveMs;
  let lastError: unknown;
  for (let attempt = 0; ; attempt++) {
    const allowedMs = left();
    if (allowedMs <= 0) {
      throw new CallGaveUp(
        `${what}: no answer within the time budget after ${attempt} attempt(s)${lastError === undefined ? '' : ` (last: ${describe(lastError)})`}`,
        lastError,
      );
    }
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new CallGaveUp(`${what}: no answer within ${Math.round(allowedMs)} ms`, lastError));
      }, allowedMs);
    });
    try {
      return await Promise.race([call(abort.signal), expired]);
    } catch (error) {
      if (error instanceof CallGaveUp || !isRetryable(error)) throw error;
      lastError = error;
    } finally {
      clearTimeout(timer);
    }
    await sleep(Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** attempt, Math.max(0, left())));
  }
}

/** An error as one line: its name and message. */
export function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * How a caller runs one AWS call: `what` names it for messages, the signal lets the caller abort it. The
 * guard passes {@link callWithinBudget} bound to its budget; callers without a budget pass {@link directCall}.
 */
export type AwsCall = <T>(what: string, call: (abortSignal: AbortSignal) => Promise<T>) => Promise<T>;

/** Runs the call once, with a signal nobody aborts. */
export const directCall: AwsCall = (_what, call) => call(new AbortController().signal);
