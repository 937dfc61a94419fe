/**
 * How another terminal talks to a running local rehearsal: one request line and one answer line of JSON
 * over a unix socket in the repository's ignored `.rehearsal/` folder, then the connection ends.
 */
import path from 'node:path';

/** The folder beside `.git` that holds what a running rehearsal shares with other commands. */
export const STATE_FOLDER = '.rehearsal';

/**
 * What a person can ask of a running rehearsal: release a held gate, stop the deployment with rollback, or
 * (`up` only) release the previous successful release again.
 */
export const CONTROL_VERBS = ['continue', 'rollback', 'undo'] as const;

export type ControlVerb = (typeof CONTROL_VERBS)[number];

/** The rehearsal's answer: whether it did what was asked, in one sentence either way. */
export interface ControlAnswer {
  readonly ok: boolean;
  readonly message: string;
}

/** The socket a rehearsal running in `root` listens on. */
export const controlSocketPath = (root: string): string => path.join(root, STATE_FOLDER, 'control.sock');

/** The lock that names the rehearsal owning the socket, so a socket left by a SIGKILLed one is known stale. */
export const controlLockPath = (root: string): string => path.join(root, STATE_FOLDER, 'control.lock');

/** A request line longer than this is no request of ours. */
export const MAX_LINE_BYTES = 1024;

/** The request line for `verb`. */
export const requestLine = (verb: ControlVerb): string => `${JSON.stringify({ verb })}\n`;

const isVerb = (value: unknown): value is ControlVerb => CONTROL_VERBS.some((verb) => verb === value);

/** The verb a request line asks for, or the answer that refuses it. */
export function parseRequest(
  line: string,
): { readonly verb: ControlVerb } | { readonly refusal: ControlAnswer } {
  let verb: unknown;
  try {
    verb = (JSON.parse(line) as { verb?: unknown } | null)?.verb;
  } catch {
    verb = undefined;
  }
  if (isVerb(verb)) return { verb };
  const named = typeof verb === 'string' ? `unknown verb ${JSON.stringify(verb)}` : 'no verb';
  return { refusal: { ok: false, message: `${named}; a rehearsal takes ${CONTROL_VERBS.join(', ')}` } };
}

/** The answer as it goes over the socket. */
export const answerLine = (answer: ControlAnswer): string => `${JSON.stringify(answer)}\n`;

/** An answer line read back; anything else is an answer that says the reply was not understood. */
export function parseAnswer(line: string): ControlAnswer {
  try {
    const parsed = JSON.parse(line) as Partial<ControlAnswer> | null;
    if (typeof parsed?.ok === 'boolean' && typeof parsed.message === 'string')
      return { ok: parsed.ok, message: parsed.message };
  } catch {
    // Fall through to the refusal below.
  }
  return {
    ok: false,
    message: `the rehearsal answered something else than a control answer: ${line.slice(0, 200)}`,
  };
}
