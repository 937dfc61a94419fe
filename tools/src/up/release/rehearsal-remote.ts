import { existsSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { gitOrThrow, runGit } from '../../git/run-git';
import { takePidLock } from '../../process/pid-lock';
import { UP_STATE_FOLDER } from '../instance-lock';
import { PushQueue } from './push-queue';
import {
  type HookAnswer,
  type HookRequest,
  SOCKET_FROM_REMOTE,
  STOPPING_FROM_REMOTE,
  writeRemoteHooks,
} from './remote-hooks';
import type { PushedCommit } from './types';

/*
 * The rehearsal remote: a bare repository in `.rehearsal/remote.git`, the git remote `rehearsal` of the
 * user's repository, whose hooks ask the running `up` (remote-hooks.ts). A push to main is queued for
 * release; pushes that arrive while a release runs wait their turn, as the pipeline stack's QUEUED execution
 * mode has them (pipeline/lib/release-pipeline.ts; CodePipeline User Guide, "How pipeline executions work").
 */

/** The git remote's name in the user's repository. */
export const REMOTE_NAME = 'rehearsal';
const MAIN = 'refs/heads/main';
const NO_COMMIT = '0'.repeat(40);
/** The push option that marks `up`'s own push of HEAD, which `pushHead` returns instead of queueing. */
const HEAD_OPTION = 'rehearsal-up-head';

/** The rehearsal remote while `up` runs. */
export interface RehearsalRemote {
  /** The bare repository's path, the remote's URL. */
  readonly url: string;
  readonly remoteName: 'rehearsal';
  /** Pushes to main in the order git received them, until `close`; pushes to other refs yield nothing. */
  pushes(): AsyncIterable<PushedCommit>;
  /**
   * Pushes the repository's HEAD to the remote's main (forced: the remote is `up`'s own) and returns it with
   * `before` all zeros, since nothing is released yet: blue's first release is never skipped by the trigger
   * filter. This push is returned here, not yielded by `pushes()`.
   */
  pushHead(): Promise<PushedCommit>;
  /** Refuses later pushes ("`up` is stopping"), stops listening and ends `pushes()`. */
  close(): Promise<void>;
}

/** Thrown when the remote cannot be set up; the message says what to do. */
export class RehearsalRemoteError extends Error {}

const same = (a: string, b: string): boolean => {
  const real = (p: string): string => (existsSync(p) ? realpathSync(p) : path.resolve(p));
  return real(a) === real(b);
};

async function ensureBareRepository(remoteDir: string, cwd: string): Promise<void> {
  if (!existsSync(path.join(remoteDir, 'HEAD'))) {
    await gitOrThrow(runGit, ['init', '--quiet', '--bare', remoteDir], cwd);
  }
  await gitOrThrow(runGit, ['symbolic-ref', 'HEAD', MAIN], remoteDir);
  // Lets `pushHead` mark its own push (git-receive-pack, receive.advertisePushOptions).
  await gitOrThrow(runGit, ['config', 'receive.advertisePushOptions', 'true'], remoteDir);
  writeRemoteHooks(remoteDir);
}

/** Adds the git remote `rehearsal`, keeps one that points at the bare repository, refuses any other. */
async function ensureGitRemote(repoRoot: string, remoteDir: string): Promise<void> {
  const current = await runGit(['remote', 'get-url', REMOTE_NAME], repoRoot);
  if (current.code !== 0) {
    await gitOrThrow(runGit, ['remote', 'add', REMOTE_NAME, remoteDir], repoRoot);
    return;
  }
  const url = current.stdout.trim();
  if (!same(path.resolve(repoRoot, url), remoteDir)) {
    throw new RehearsalRemoteError(
      `the git remote \`${REMOTE_NAME}\` points to ${url}, not to ${remoteDir}, the rehearsal's own; up leaves it alone: rename it (git remote rename ${REMOTE_NAME} <other-name>) or remove it, then start up again`,
    );
  }
}

/** Listens on `socketFile` by the shorter of its absolute and relative paths (unix sockets allow 107 bytes). */
function listen(server: net.Server, socketFile: string): Promise<void> {
  const relative = path.relative(process.cwd(), socketFile);
  const shortest = relative.length < socketFile.length ? relative : socketFile;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(shortest, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function readRequest(socket: net.Socket): Promise<HookRequest> {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.once('end', () => {
      try {
        resolve(JSON.parse(text) as HookRequest);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.once('error', reject);
  });
}

const short = (commit: string): string => commit.slice(0, 12);

/**
 * Opens the rehearsal remote for `repoRoot`: creates `.rehearsal/remote.git` with its hooks, adds or checks
 * the git remote `rehearsal` and answers its hooks on `.rehearsal/up.sock`. The socket and its lock left by
 * an `up` killed with SIGKILL are taken over; one held by a live process is refused.
 */
export async function openRehearsalRemote(
  repoRoot: string,
  log: (line: string) => void,
): Promise<RehearsalRemote> {
  const stateDir = path.join(path.resolve(repoRoot), UP_STATE_FOLDER);
  const remoteDir = path.join(stateDir, 'remote.git');
  const socketFile = path.resolve(remoteDir, SOCKET_FROM_REMOTE);
  const stoppingFile = path.resolve(remoteDir, STOPPING_FROM_REMOTE);
  const lockFile = `${socketFile}.lock`;
  await ensureBareRepository(remoteDir, repoRoot);
  await ensureGitRemote(repoRoot, remoteDir);
  takePidLock(
    lockFile,
    process.pid,
    {
      holding: 'answers the rehearsal remote of this repository',
      hint: 'stop that `up` first',
      place: 'make the repository writable',
    },
    (problem) => {
      throw new RehearsalRemoteError(`rehearsal remote: ${problem}`);
    },
  );
  // The lock is ours: a socket file still there is a dead process's.
  rmSync(socketFile, { force: true });
  rmSync(stoppingFile, { force: true });
  const queue = new PushQueue<PushedCommit>();
  let stopping = false;

  const answer = (request: HookRequest): HookAnswer => {
    if (stopping) {
      return { ok: false, lines: ['`up` is stopping: push again once `npm run rehearse -- up` runs again'] };
    }
    if (request.hook === 'pre-receive') return { ok: true, lines: [] };
    const lines: string[] = [];
    for (const update of request.updates) {
      if (update.ref !== MAIN) {
        lines.push(`${update.ref}: the pipeline releases main only; nothing to do`);
      } else if (update.after === NO_COMMIT) {
        lines.push('main deleted: nothing to release');
      } else if (request.options.includes(HEAD_OPTION)) {
        lines.push(`main at ${short(update.after)}: the first release of this up`);
      } else {
        const ahead = queue.length;
        queue.push({ commit: update.after, before: update.before, receivedAt: Date.now() });
        log(`rehearsal remote: main at ${short(update.after)} received`);
        lines.push(
          `main at ${short(update.after)} queued for release${ahead > 0 ? ` behind ${ahead} waiting push(es)` : ''}`,
        );
      }
    }
    return { ok: true, lines };
  };

  // Half-open: the hook ends its side after the request and still reads the answer.
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    readRequest(socket).then(
      (request) => socket.end(`${JSON.stringify(answer(request))}\n`),
      () => socket.destroy(),
    );
  });
  try {
    await listen(server, socketFile);
  } catch (error) {
    rmSync(lockFile, { force: true });
    throw error;
  }
  log(`rehearsal remote: git push ${REMOTE_NAME} main releases a commit (${remoteDir})`);

  return {
    url: remoteDir,
    remoteName: REMOTE_NAME,
    pushes: () => queue.items(),
    async pushHead() {
      const commit = (await gitOrThrow(runGit, ['rev-parse', 'HEAD^{commit}'], repoRoot)).trim();
      const receivedAt = Date.now();
      await gitOrThrow(
        runGit,
        ['push', '--quiet', '--force', '-o', HEAD_OPTION, REMOTE_NAME, `${commit}:${MAIN}`],
        repoRoot,
      );
      return { commit, before: NO_COMMIT, receivedAt };
    },
    async close() {
      if (stopping) return;
      stopping = true;
      // Read by the hooks while this process lives: they say `up` is stopping rather than not running.
      writeFileSync(stoppingFile, `${process.pid}\n`);
      queue.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(socketFile, { force: true });
      rmSync(lockFile, { force: true });
    },
  };
}
