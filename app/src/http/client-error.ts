import { STATUS_CODES } from 'node:http';
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
    const status = STATUS_BY_CODE[error.code ?? ''] ?? 400;
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
  };
}
