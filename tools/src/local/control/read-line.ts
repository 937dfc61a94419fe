import type { Socket } from 'node:net';
import { MAX_LINE_BYTES } from './control-protocol';

/**
 * Resolves with the first line `socket` sends (without its newline), or with what it sent before it ended
 * or passed {@link MAX_LINE_BYTES}; rejects when the socket fails or stays silent for `timeoutMs`.
 */
export function readLine(socket: Socket, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    const done = (line: string): void => {
      cleanup();
      resolve(line);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.toString('utf8');
      const end = received.indexOf('\n');
      if (end >= 0) done(received.slice(0, end));
      else if (Buffer.byteLength(received) > MAX_LINE_BYTES) done(received.slice(0, MAX_LINE_BYTES));
    };
    const onEnd = (): void => done(received);
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onTimeout = (): void => onError(new Error(`no line within ${timeoutMs} ms`));
    const cleanup = (): void => {
      socket.off('data', onData).off('end', onEnd).off('error', onError).off('timeout', onTimeout);
      socket.setTimeout(0);
    };
    socket.on('data', onData).once('end', onEnd).once('error', onError).once('timeout', onTimeout);
    socket.setTimeout(timeoutMs);
  });
}
