import { mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { takePidLock } from '../../process/pid-lock';
import {
  answerLine,
  controlLockPath,
  controlSocketPath,
  parseRequest,
  type ControlAnswer,
  type ControlVerb,
} from './control-protocol';
import { readLine } from './read-line';

/** Thrown when another rehearsal already listens for this repository; the message names its pid. */
export class ControlChannelBusy extends Error {}

/** A listening channel; `close` stops it and removes its socket and lock. */
export interface ControlServer {
  readonly socketPath: string;
  close(): Promise<void>;
}

export interface ControlServerOptions {
  /** The repository root: the socket goes in its `.rehearsal/` folder. */
  readonly root: string;
  /** Does what the verb asks and says how it went. */
  readonly handle: (verb: ControlVerb) => ControlAnswer | Promise<ControlAnswer>;
  /** @default process.pid */
  readonly pid?: number;
  /** How long a client may take to send its request line. @default 2000 */
  readonly requestTimeoutMs?: number;
  /**
   * Registers a synchronous clean-up for however the process ends (the supervisor's `track`), so a
   * signal still removes the socket; returns its removal.
   */
  readonly track?: (end: () => void) => () => void;
}

/** A unix socket path longer than this does not fit `sun_path` (108 bytes with its terminating NUL on Linux). */
const MAX_SOCKET_PATH = 107;

/**
 * Listens on `.rehearsal/control.sock` under `root` for one verb per connection. `.rehearsal/control.lock`
 * holds the pid of the listening rehearsal: a second rehearsal in the same repository is refused with
 * {@link ControlChannelBusy}, and a lock and socket left by a run killed with SIGKILL are taken over.
 */
export async function listenForControl(options: ControlServerOptions): Promise<ControlServer> {
  const socketPath = controlSocketPath(options.root);
  const lockPath = controlLockPath(options.root);
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH)
    throw new Error(
      `${socketPath} is too long for a unix socket (${MAX_SOCKET_PATH} bytes at most); run from a shorter path`,
    );
  // The repository must exist: only its state folder is made here.
  try {
    mkdirSync(path.dirname(socketPath));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  takePidLock(
    lockPath,
    options.pid ?? process.pid,
    {
      holding: 'is listening for rollback and continue in this repository',
      hint: 'wait for it to end, or stop it with Ctrl-C',
      place: 'make the repository writable',
    },
    (problem) => {
      throw new ControlChannelBusy(problem);
    },
  );
  const removeFiles = (): void => {
    rmSync(socketPath, { force: true });
    rmSync(lockPath, { force: true });
  };
  // The lock is ours: a socket file still there was left by a run that is gone.
  rmSync(socketPath, { force: true });
  const server = net.createServer((socket) => void answer(socket, options));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    removeFiles();
    throw error;
  }
  const untrack = options.track?.(removeFiles);
  return {
    socketPath,
    close: async () => {
      untrack?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      removeFiles();
    },
  };
}

async function answer(socket: net.Socket, options: ControlServerOptions): Promise<void> {
  socket.on('error', () => undefined);
  try {
    const request = parseRequest(await readLine(socket, options.requestTimeoutMs ?? 2_000));
    const reply = 'refusal' in request ? request.refusal : await options.handle(request.verb);
    socket.end(answerLine(reply));
  } catch (error) {
    socket.end(answerLine({ ok: false, message: error instanceof Error ? error.message : String(error) }));
  }
}
