import type { Writable } from 'node:stream';
import { refuseAwsFlagsWithLocal } from '../../args/target-flags';
import { writeJson } from '../../terminal/json-output';
import { sendControl } from './control-client';
import type { ControlVerb } from './control-protocol';

/** A rollback by hand answers once the rollback is done: green's tasks may take their stop timeout. */
const ANSWER_LIMIT_MS: Record<ControlVerb, number> = {
  continue: 5_000,
  rollback: 120_000,
  undo: 5_000,
};

/**
 * `rollback --local`, `continue --local` and `undo --local`: sends the verb to the local rehearsal running in `root` and
 * says what it answered (stderr; with `json`, the answer on stdout too). 0 when it did it; 1 when nothing
 * runs there, nothing was in progress or held, or it refused.
 */
export async function runLocalVerb(
  verb: ControlVerb,
  io: { readonly root: string; readonly stdout: Writable; readonly stderr: Writable; readonly json: boolean },
): Promise<number> {
  const reply = await sendControl(io.root, verb, ANSWER_LIMIT_MS[verb]);
  io.stderr.write(`${reply.message}\n`);
  if (io.json)
    writeJson(io.stdout, { verb, local: true, ok: reply.ok, reached: reply.reached, message: reply.message });
  return reply.ok ? 0 : 1;
}

/**
 * A command's `--local` branch (`rollback`, `continue`, `undo`): the flags that find and follow a deployment
 * on AWS are usage errors there, then the verb goes to the rehearsal running in `deps.cwd`.
 */
export function localVerbCommand(
  verb: ControlVerb,
  values: Record<string, unknown>,
  deps: { readonly cwd: string; readonly stdout: Writable; readonly stderr: Writable },
): Promise<number> {
  refuseAwsFlagsWithLocal(values);
  return runLocalVerb(verb, {
    root: deps.cwd,
    stdout: deps.stdout,
    stderr: deps.stderr,
    json: values.json === true,
  });
}
