import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/*
 * The rehearsal remote's hooks. git runs them in the bare repository with its own environment, so they stay
 * tiny: a bash script that runs a plain JavaScript file (written from the text below, no dependency, nothing
 * compiled) with the node that started `up`. Each hook sends what git hands it to the running `up` over
 * `.rehearsal/up.sock` and prints the answer, which git shows the pusher as `remote:` lines.
 * - pre-receive decides: `up` answers ok unless it is stopping; nothing answering refuses the push.
 * - post-receive reports the updated refs, by then in the repository (git keeps a push's objects in
 *   quarantine until pre-receive accepts; git-receive-pack documentation, "Quarantine environment").
 * The socket path is relative to the bare repository, where git runs hooks, so it stays within the
 * 108-byte limit of a unix socket path whatever the repository's own path.
 */

/** What a hook sends `up`, one JSON line. */
export interface HookRequest {
  readonly hook: 'pre-receive' | 'post-receive';
  /** `<before> <after> <ref>` per ref, as git writes them to the hook's stdin. */
  readonly updates: readonly { readonly before: string; readonly after: string; readonly ref: string }[];
  /** The push's `-o` options (git push --push-option). */
  readonly options: readonly string[];
}

/** What `up` answers, one JSON line: the hook prints `lines` and exits 0 when `ok`. */
export interface HookAnswer {
  readonly ok: boolean;
  readonly lines: readonly string[];
}

/** The refusal while no `up` listens. */
export const NO_UP_MESSAGE =
  'no `npm run rehearse -- up` is running for this repository: start it, then push again';

/** The socket and the stopping marker, relative to the bare repository (the hooks' working directory). */
export const SOCKET_FROM_REMOTE = '../up.sock';
export const STOPPING_FROM_REMOTE = '../up.stopping';

/** The hook program, plain CommonJS for the node that runs `up`. */
export function hookProgram(): string {
  return `'use strict';
// Written by \`npm run rehearse -- up\` (tools/src/up/release/remote-hooks.ts); rewritten on every start.
const fs = require('node:fs');
const net = require('node:net');
const hook = process.argv[2];
const updates = fs
  .readFileSync(0, 'utf8')
  .split('\\n')
  .filter((line) => line.trim() !== '')
  .map((line) => {
    const [before, after, ref] = line.split(' ');
    return { before, after, ref };
  });
const count = Number(process.env.GIT_PUSH_OPTION_COUNT || 0);
const options = Array.from({ length: count }, (_, i) => process.env['GIT_PUSH_OPTION_' + i] || '');
const say = (line) => process.stderr.write('rehearsal: ' + line + '\\n');
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
};
function unreachable() {
  let stopping = 0;
  try {
    stopping = Number.parseInt(fs.readFileSync(${JSON.stringify(STOPPING_FROM_REMOTE)}, 'utf8'), 10);
  } catch {}
  const why =
    stopping > 0 && alive(stopping)
      ? '\`up\` (pid ' + stopping + ') is stopping: push again once \`npm run rehearse -- up\` runs again'
      : ${JSON.stringify(NO_UP_MESSAGE)};
  if (hook === 'pre-receive') say(why);
  else say('the push reached the remote but no \`up\` took it (' + why + ')');
  process.exit(1);
}
const socket = net.connect(${JSON.stringify(SOCKET_FROM_REMOTE)});
let answer = '';
let connected = false;
socket.setTimeout(60000, () => {
  say('\`up\` did not answer within 60 s');
  process.exit(1);
});
socket.on('connect', () => {
  connected = true;
  socket.end(JSON.stringify({ hook, updates, options }) + '\\n');
});
socket.on('data', (chunk) => (answer += chunk));
socket.on('error', () => (connected ? process.exit(1) : unreachable()));
socket.on('close', () => {
  if (!connected) return unreachable();
  let parsed;
  try {
    parsed = JSON.parse(answer);
  } catch {
    say('\`up\` closed the connection without an answer');
    process.exit(1);
  }
  for (const line of parsed.lines) say(line);
  process.exit(parsed.ok ? 0 : 1);
});
`;
}

const HOOKS = ['pre-receive', 'post-receive'] as const;

/** Writes the hooks into `<remoteDir>/hooks`, running the hook program with `nodePath`. */
export function writeRemoteHooks(remoteDir: string, nodePath: string = process.execPath): void {
  const hooksDir = path.join(remoteDir, 'hooks');
  mkdirSync(hooksDir, { recursive: true });
  writeFileSync(path.join(hooksDir, 'rehearsal-hook.js'), hookProgram());
  const quoted = `'${nodePath.replace(/'/g, `'\\''`)}'`;
  for (const hook of HOOKS) {
    const file = path.join(hooksDir, hook);
    writeFileSync(
      file,
      `#!/usr/bin/env bash\n# Asks the running \`up\` (tools/src/up/release/remote-hooks.ts).\nexec ${quoted} "$(dirname "$0")/rehearsal-hook.js" ${hook}\n`,
    );
    chmodSync(file, 0o755);
  }
}
