import net from 'node:net';
import {
  controlSocketPath,
  parseAnswer,
  requestLine,
  type ControlAnswer,
  type ControlVerb,
} from './control-protocol';
import { readLine } from './read-line';

/** The answer, and whether any rehearsal was there to give it. */
export interface ControlReply extends ControlAnswer {
  /** False when no rehearsal listens in the repository (no socket, or one left by a run that is gone). */
  readonly reached: boolean;
}

const NOT_LISTENING = new Set(['ENOENT', 'ECONNREFUSED', 'ENOTSOCK']);

/**
 * Sends `verb` to the local rehearsal running in `root` and resolves with its answer; with nothing
 * listening there it resolves `reached: false` with a message that says so.
 */
export function sendControl(root: string, verb: ControlVerb, timeoutMs = 5_000): Promise<ControlReply> {
  const socketPath = controlSocketPath(root);
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.destroy();
      resolve(
        NOT_LISTENING.has(error.code ?? '')
          ? {
              ok: false,
              reached: false,
              message: `No local rehearsal is running in ${root} (nothing listens on ${socketPath}); start one with \`npm run rehearse -- ${verb === 'undo' ? 'up' : 'local'}\`.`,
            }
          : {
              ok: false,
              reached: false,
              message: `Cannot reach the local rehearsal on ${socketPath}: ${error.message}`,
            },
      );
    });
    socket.once('connect', () => {
      socket.write(requestLine(verb));
      readLine(socket, timeoutMs).then(
        (line) => {
          socket.destroy();
          resolve({ ...parseAnswer(line), reached: true });
        },
        (error: unknown) => {
          socket.destroy();
          resolve({
            ok: false,
            reached: true,
            message: `The local rehearsal did not answer: ${error instanceof Error ? error.message : String(error)}`,
          });
        },
      );
    });
  });
}
