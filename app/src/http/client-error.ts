import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../logger';

/** Parser errors that mean the request was too large rather than malformed. */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  HPE_HEADER_OVERFLOW: 431,
  HPE_URI_TOO_LONG: 414,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/**
 * Answers requests Node's HTTP parser rejects (bad request line, oversized headers) before Express sees
 * them: a JSON 4xx that still carries `x-app-version`, then the connection closes. Replaces Node's default
 * bare 400 so the answer looks like every other one and the event is logged.
 */
export function clientErrorHandler(version: string, logger: Logger) {
  return (
    error: Error & { code?: string },
    socket: Duplex & { _httpMessage?: { headersSent?: boolean } },
  ) => {
    logger.warn({ code: error.code, reason: error.message }, 'rejected a malformed request');
    // A reset connection cannot be answered; a response already under way must not be interleaved.
    if (error.code === 'ECONNRESET' || !socket.writable || socket._httpMessage?.headersSent) {
      socket.destroy();
      return;
    }
    answerOnSocket(socket, STATUS_BY_CODE[error.code ?? ''] ?? 400, version);
  };
}

/** Writes a JSON error on a raw socket, the way every other answer of the service looks, and closes it. */
function answerOnSocket(socket: Duplex, status: number, version: string): void {
  const body = JSON.stringify({ error: STATUS_CODES[status] });
  socket.end(
    [
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
      'content-type: application/json; charset=utf-8',
      `content-length: ${Buffer.byteLength(body)}`,
      `x-app-version: ${version}`,
      'connection: close',
      '',
      body,
    ].join('\r\n'),
  );
}

/**
 * Answers CONNECT, which Node hands to the server's 'connect' event instead of the app and, with nobody
 * listening, closes without a word. The service is no proxy: a JSON 405 with `x-app-version`, logged.
 */
export function connectHandler(version: string, logger: Logger) {
  return (req: IncomingMessage, socket: Duplex) => {
    logger.warn({ method: req.method, target: req.url }, 'rejected a CONNECT request');
    socket.on('error', () => socket.destroy());
    answerOnSocket(socket, 405, version);
  };
}
