import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { main } from '../../src/cli';
import { DEFAULT_AWS_TIMEOUTS, defaultAwsClients } from '../../src/aws/clients';
import { testDeps } from '../helpers/test-deps';

/** An "AWS endpoint" that accepts connections and never answers: a stuck proxy or a wrong AWS_ENDPOINT_URL. */
async function silentServer(): Promise<{
  url: string;
  connections: () => number;
  close: () => Promise<void>;
}> {
  const sockets = new Set<net.Socket>();
  let count = 0;
  const server = net.createServer((socket) => {
    count += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => count,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const SHORT = { connectionTimeoutMs: 300, requestTimeoutMs: 400, maxAttempts: 2 };
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

describe('AWS calls against an endpoint that never answers', () => {
  it('bound every call by default: three attempts, each limited, under a minute in all', () => {
    const { connectionTimeoutMs, requestTimeoutMs, maxAttempts } = DEFAULT_AWS_TIMEOUTS;
    expect(maxAttempts * (connectionTimeoutMs + requestTimeoutMs)).toBeLessThanOrEqual(60_000);
  });

  it('give up after the bounded attempts instead of hanging', async () => {
    const server = await silentServer();
    try {
      const aws = defaultAwsClients(SHORT, { endpoint: server.url, region: 'eu-west-1', credentials });
      const started = performance.now();
      const error = await aws
        .sts()
        .send(new GetCallerIdentityCommand({}))
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'TimeoutError', endpoint: server.url });
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(server.connections()).toBe(SHORT.maxAttempts);
    } finally {
      await server.close();
    }
  });

  it('watch exits 1 with a message naming the endpoint and what to check', async () => {
    const server = await silentServer();
    try {
      const deps = testDeps({
        env: { AWS_ENDPOINT_URL: server.url },
        aws: defaultAwsClients(SHORT, { endpoint: server.url, region: 'eu-west-1', credentials }),
      });
      expect(await main(['watch', '--deployment-id', 'd-EXAMPLE'], deps)).toBe(1);
      expect(deps.stderr.text).toMatch(
        new RegExp(`^No answer from ${server.url} after 2 attempts \\(.*\\): check AWS_ENDPOINT_URL`),
      );
    } finally {
      await server.close();
    }
  });
});
