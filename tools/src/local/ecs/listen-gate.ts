/*
 * Preloaded (node --require) into the local task processes of a task set that starts side by side. The
 * service's first `listen` is held until the rehearsal writes `OPEN_LINE` to the task's stdin, and the
 * task says it is holding by writing `HOLDING_LINE` to stderr (`listen-gate-protocol.ts`). Only a task
 * process may load this module: it changes `listen` for the whole process. The rehearsal lets every task of
 * the set listen at the same moment: on one busy machine their real start-ups differ by up to a second,
 * which the compressed clock would turn into many AWS seconds between the tasks' own fault timers (a
 * `crash-after` counts from listening), where Fargate starts the tasks of a deployment side by side. The
 * service itself knows nothing of this: it is the rehearsal's, not the service's, behaviour.
 */
import net from 'node:net';
import { HOLDING_LINE, OPEN_LINE } from './listen-gate-protocol';

type Listen = (this: net.Server, ...args: unknown[]) => net.Server;
// Called with the server it belongs to, below: never separated from one.
const original = Reflect.get(net.Server.prototype, 'listen') as Listen;
let open = false;
const held: (() => void)[] = [];

process.stdin.on('data', (chunk: Buffer) => {
  if (open || !chunk.toString('utf8').includes(OPEN_LINE)) return;
  open = true;
  for (const listen of held.splice(0)) listen();
});

net.Server.prototype.listen = function heldListen(this: net.Server, ...args: unknown[]): net.Server {
  if (open) return original.apply(this, args);
  if (held.length === 0) process.stderr.write(`${HOLDING_LINE}\n`);
  held.push(() => original.apply(this, args));
  return this;
} as typeof net.Server.prototype.listen;
