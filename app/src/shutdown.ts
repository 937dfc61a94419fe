import type { Server, ServerResponse } from 'node:http';
import type { Lifecycle } from './lifecycle';
import type { Logger } from './logger';

export interface ShutdownDeps {
  readonly server: Server;
  /** The process's other listeners (the metrics listener): drained and closed with `server`. @default none */
  readonly otherServers?: readonly Server[];
  readonly lifecycle: Lifecycle;
  readonly logger: Logger;
  /** Connections still open at this point are cut and the process exits anyway. */
  readonly deadlineMs: number;
  readonly exit: (code: number) => void;
  /** Called once when draining starts, e.g. to cancel fault timers. */
  readonly onDrainStart?: () => void;
}

/**
 * Installs graceful shutdown on `server` and returns the function to call on SIGTERM/SIGINT.
 *
 * `server.close()` alone stops accepting but leaves keep-alive sockets open until their idle timeout
 * (65 s here), far past the task's stop timeout. So draining also closes idle sockets at once, tells
 * in-flight responses to close their connection, closes each socket that goes idle afterwards, and cuts
 * everything at the deadline. The process exits 0 in both cases: a stop that was asked for is not a crash.
 * Every listener of the process is drained the same way, and the process exits once all have closed.
 */
export function installShutdown(deps: ShutdownDeps): (signal: string) => void {
  const { lifecycle, logger } = deps;
  const servers = [deps.server, ...(deps.otherServers ?? [])];
  const inFlight = new Set<ServerResponse>();

  for (const server of servers) {
    server.on('request', (_req, res: ServerResponse) => {
      inFlight.add(res);
      res.once('close', () => {
        inFlight.delete(res);
        if (lifecycle.draining) server.closeIdleConnections();
      });
    });
  }

  return (signal) => {
    if (lifecycle.draining) {
      logger.info({ signal }, 'already draining; ignoring the signal');
      return;
    }
    lifecycle.draining = true;
    deps.onDrainStart?.();
    logger.info(
      { signal, inFlight: inFlight.size, deadlineMs: deps.deadlineMs },
      'draining: shutdown started',
    );

    let finished = false;
    const finish = (code: number, message: string, level: 'info' | 'warn'): void => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      logger[level]({ inFlight: inFlight.size }, message);
      deps.exit(code);
    };
    const deadline = setTimeout(() => {
      for (const server of servers) server.closeAllConnections();
      finish(0, 'drain deadline reached; closed the remaining connections', 'warn');
    }, deps.deadlineMs);
    let open = servers.length;
    for (const server of servers) {
      server.close(() => {
        if (--open === 0) finish(0, 'drained: all connections closed', 'info');
      });
      server.closeIdleConnections();
    }
    for (const res of inFlight) {
      if (!res.headersSent) res.setHeader('connection', 'close');
    }
  };
}
