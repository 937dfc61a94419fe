import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sendControl } from '../../../src/local/control/control-client';
import {
  controlLockPath,
  controlSocketPath,
  type ControlVerb,
} from '../../../src/local/control/control-protocol';
import {
  ControlChannelBusy,
  listenForControl,
  type ControlServer,
} from '../../../src/local/control/control-server';

/** The pid of a process that has ended: what a lock left by a SIGKILLed rehearsal holds. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid;

/** Sends one raw line to the socket and resolves with the whole answer. */
function rawExchange(socketPath: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = net.connect(socketPath, () => socket.write(line));
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.once('end', () => resolve(text));
    socket.once('error', reject);
  });
}

describe('the local control channel (a real unix socket in a temp repository)', () => {
  let root: string;
  let server: ControlServer | undefined;
  const asked: ControlVerb[] = [];
  const handle = (verb: ControlVerb) => {
    asked.push(verb);
    return { ok: verb === 'continue', message: `did ${verb}` };
  };

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'control-'));
    asked.length = 0;
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    rmSync(root, { recursive: true, force: true });
  });

  it('carries each verb to the rehearsal and its answer back', async () => {
    server = await listenForControl({ root, handle });
    expect(server.socketPath).toBe(path.join(root, '.rehearsal', 'control.sock'));

    expect(await sendControl(root, 'continue')).toEqual({ ok: true, reached: true, message: 'did continue' });
    expect(await sendControl(root, 'rollback')).toEqual({
      ok: false,
      reached: true,
      message: 'did rollback',
    });
    expect(asked).toEqual(['continue', 'rollback']);
  });

  it('refuses an unknown verb and a line that is not JSON without asking the rehearsal', async () => {
    server = await listenForControl({ root, handle });

    const unknown = JSON.parse(await rawExchange(server.socketPath, '{"verb":"promote"}\n')) as unknown;
    const garbage = JSON.parse(await rawExchange(server.socketPath, 'rollback please\n')) as unknown;

    expect(unknown).toEqual({
      ok: false,
      message: 'unknown verb "promote"; a rehearsal takes continue, rollback, undo',
    });
    expect(garbage).toEqual({ ok: false, message: 'no verb; a rehearsal takes continue, rollback, undo' });
    expect(asked).toEqual([]);
  });

  it('says nothing is running when no rehearsal listens', async () => {
    const reply = await sendControl(root, 'continue');

    expect(reply.reached).toBe(false);
    expect(reply.ok).toBe(false);
    expect(reply.message).toContain(`No local rehearsal is running in ${root}`);
  });

  it('says nothing is running when the socket was left by a rehearsal killed with SIGKILL', async () => {
    mkdirSync(path.join(root, '.rehearsal'));
    const listenThenDie = `require('net').createServer().listen(${JSON.stringify(controlSocketPath(root))}, () => process.kill(process.pid, 'SIGKILL'))`;
    spawnSync(process.execPath, ['-e', listenThenDie]);
    expect(existsSync(controlSocketPath(root))).toBe(true);

    expect((await sendControl(root, 'rollback')).reached).toBe(false);
  });

  it('takes over the lock and socket a rehearsal killed with SIGKILL left', async () => {
    mkdirSync(path.join(root, '.rehearsal'));
    writeFileSync(controlLockPath(root), `${deadPid()}\n`);
    writeFileSync(controlSocketPath(root), 'left by a run that is gone');

    server = await listenForControl({ root, handle, pid: process.pid });

    expect(readFileSync(controlLockPath(root), 'utf8')).toBe(`${process.pid}\n`);
    expect((await sendControl(root, 'continue')).ok).toBe(true);
  });

  it('refuses a second listener in the same repository, naming the first one pid', async () => {
    server = await listenForControl({ root, handle, pid: process.ppid });

    await expect(listenForControl({ root, handle, pid: process.pid })).rejects.toThrow(ControlChannelBusy);
    await expect(listenForControl({ root, handle, pid: process.pid })).rejects.toThrow(
      `another rehearsal (pid ${process.ppid}) is listening for rollback and continue in this repository`,
    );
    expect((await sendControl(root, 'continue')).ok).toBe(true);
  });

  it('removes its socket and lock when closed, and through the tracked clean-up on a signal', async () => {
    const ends: (() => void)[] = [];
    server = await listenForControl({ root, handle, track: (end) => (ends.push(end), () => undefined) });
    expect(existsSync(controlSocketPath(root))).toBe(true);

    ends[0]!();
    expect(existsSync(controlSocketPath(root))).toBe(false);
    expect(existsSync(controlLockPath(root))).toBe(false);
    await server.close();
    server = undefined;
  });
});
