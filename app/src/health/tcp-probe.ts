import net from 'node:net';

/** The outcome of one connection attempt. */
export type ProbeResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface TcpProbeOptions {
  readonly host: string;
  readonly port: number;
  /** Hard limit for the whole attempt, DNS lookup included. */
  readonly timeoutMs: number;
  /** Name resolution; tests pass one that never answers. Defaults to `dns.lookup`. */
  readonly lookup?: net.LookupFunction;
}

/**
 * Opens a TCP connection and closes it again. The timer is our own rather than the socket's idle timeout,
 * because a socket timeout does not start until the (possibly hanging) DNS lookup has finished.
 */
export function probeTcp(options: TcpProbeOptions): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = net.connect({
      host: options.host,
      port: options.port,
      ...(options.lookup ? { lookup: options.lookup } : {}),
    });
    const finish = (result: ProbeResult): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ ok: false, reason: `no connection within ${options.timeoutMs} ms` }),
      options.timeoutMs,
    );
    socket.once('connect', () => finish({ ok: true }));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      finish({ ok: false, reason: error.code ?? error.message }),
    );
  });
}

/**
 * A probe of one address that shares the attempt in flight: health checks arriving together (ALB nodes,
 * the container check) cost one connection, and a hanging lookup cannot pile up in libuv's thread pool.
 */
export function createSharedProbe(options: TcpProbeOptions): () => Promise<ProbeResult> {
  let inFlight: Promise<ProbeResult> | undefined;
  return () => {
    inFlight ??= probeTcp(options).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}
