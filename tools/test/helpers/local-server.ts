import http from 'node:http';
import type { AddressInfo } from 'node:net';

export { freePort } from '../../src/local/free-port';

export interface LocalServer {
  readonly url: string;
  readonly server: http.Server;
  /** Requests the server has seen. */
  readonly seen: () => number;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 with a random port; `close` ends every connection so tests do not leak. */
export async function startServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void,
): Promise<LocalServer> {
  let n = 0;
  const server = http.createServer((req, res) => handler(req, res, ++n));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    server,
    seen: () => n,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
