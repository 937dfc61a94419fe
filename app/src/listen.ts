import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../../contract/config-error';

/** Where the port came from, so a listen error names the variable an operator has to change. */
export interface PortSource {
  readonly variable: string;
  readonly value: string;
}

function asConfigError(error: NodeJS.ErrnoException, port: number, host: string, source: PortSource): Error {
  switch (error.code) {
    case 'EADDRINUSE':
      return new ConfigError(
        source.variable,
        source.value,
        `a port that is free on ${host}; port ${port} is already in use`,
      );
    case 'EACCES':
      return new ConfigError(
        source.variable,
        source.value,
        `a port this process may bind; binding ${host}:${port} was refused (ports below 1024 need privileges)`,
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConfigError(
        'HOST',
        host,
        `an address of this machine (${error.code}), e.g. 0.0.0.0 or 127.0.0.1`,
      );
    default:
      return error;
  }
}

/**
 * Binds the server. Errors an operator can fix (port taken, no permission, address not on this machine)
 * become {@link ConfigError}s, reported the same way as bad configuration.
 */
export function listen(server: Server, port: number, host: string, source: PortSource): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => reject(asConfigError(error, port, host, source));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.removeListener('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}
