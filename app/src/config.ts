import net from 'node:net';
import { ConfigError } from '../../contract/config-error';
import type { ActiveFaults } from '../../contract/faults/catalogue';
import { parseFaults } from '../../contract/faults/parse-faults';
import { settings } from '../../contract/settings';

/** pino's level names, plus `silent`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Everything the service reads from its environment, parsed and validated once at start-up. */
export interface Config {
  /** Port to listen on (the `wrong-port` fault overrides it at listen time, see {@link listenPort}). */
  readonly port: number;
  /** Port of the metrics listener; never the same as `port`, and the `wrong-port` fault leaves it alone. */
  readonly metricsPort: number;
  /** Address to bind; 0.0.0.0 in the container, 127.0.0.1 in the local rehearsal. */
  readonly host: string;
  /** Shown in `GET /`, the `x-app-version` header, logs and the info metric. */
  readonly version: string;
  readonly logLevel: LogLevel;
  readonly faults: ActiveFaults;
}

/** The variables {@link loadConfig} reads; anything else in the environment is ignored. */
export type ConfigEnv = Readonly<
  Partial<Record<'PORT' | 'METRICS_PORT' | 'HOST' | 'APP_VERSION' | 'LOG_LEVEL' | 'FAULTS', string>>
>;

/** Defaults and limits, one per key, so the README table and the parser cannot drift. */
export const CONFIG_DEFAULTS = {
  port: settings.container.port,
  metricsPort: settings.container.metricsPort,
  host: '0.0.0.0',
  logLevel: 'info' as LogLevel,
  /** An image tag or version string: visible ASCII without spaces, because it goes into a header. */
  versionPattern: /^[\x21-\x7e]{1,128}$/,
} as const;

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

// An empty variable counts as unset, so `PORT=` in a task definition or shell behaves like no PORT.
const given = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value;

/** Parses a TCP port the way `PORT` is written: digits only, 1 to 65535. */
export function parsePort(variable: string, raw: string): number {
  const port = /^\d{1,5}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new ConfigError(variable, raw, 'an integer port from 1 to 65535');
  }
  return port;
}

/** `METRICS_PORT`, parsed like `PORT` and refused when it is the port the service itself answers on. */
function parseMetricsPort(raw: string | undefined, port: number): number {
  const metricsPort = raw === undefined ? CONFIG_DEFAULTS.metricsPort : parsePort('METRICS_PORT', raw);
  if (metricsPort === port) {
    const unset = raw === undefined ? `; unset it means ${metricsPort}, so set it when PORT is ${port}` : '';
    throw new ConfigError(
      'METRICS_PORT',
      raw ?? '',
      `a port other than PORT (${port})${unset}: metrics stay off the port the load balancer routes to`,
    );
  }
  return metricsPort;
}

function parseHost(raw: string): string {
  const host = raw.trim();
  if (net.isIP(host) === 0 && !HOSTNAME.test(host)) {
    throw new ConfigError('HOST', raw, 'an IPv4 or IPv6 address or a host name, e.g. 0.0.0.0 or 127.0.0.1');
  }
  return host;
}

function parseVersion(raw: string): string {
  if (!CONFIG_DEFAULTS.versionPattern.test(raw)) {
    throw new ConfigError(
      'APP_VERSION',
      raw,
      '1 to 128 visible ASCII characters without spaces, e.g. 1.4.2 or a git sha',
    );
  }
  return raw;
}

function parseLogLevel(raw: string): LogLevel {
  const level = raw.trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError('LOG_LEVEL', raw, `one of ${LOG_LEVELS.join(', ')}`);
  }
  return level as LogLevel;
}

/**
 * Turns the environment into a frozen {@link Config}. Throws {@link ConfigError} on the first bad variable,
 * naming it, its value and what is allowed. `packageVersion` is the fallback for `APP_VERSION`.
 */
export function loadConfig(env: ConfigEnv, packageVersion: string): Config {
  const rawPort = given(env.PORT);
  const host = given(env.HOST);
  const version = given(env.APP_VERSION);
  const level = given(env.LOG_LEVEL);
  const port = rawPort === undefined ? CONFIG_DEFAULTS.port : parsePort('PORT', rawPort);
  const listenOn = {
    port,
    metricsPort: parseMetricsPort(given(env.METRICS_PORT), port),
    host: host === undefined ? CONFIG_DEFAULTS.host : parseHost(host),
  };
  return Object.freeze({
    ...listenOn,
    version: parseVersion(version ?? packageVersion),
    logLevel: level === undefined ? CONFIG_DEFAULTS.logLevel : parseLogLevel(level),
    // Checked against the ports and address this process runs with, not the release's defaults.
    faults: Object.freeze(parseFaults(env.FAULTS, listenOn)),
  });
}

/** The port the server actually binds: the `wrong-port` fault's port when it is on. */
export function listenPort(config: Config): number {
  return config.faults['wrong-port'] ?? config.port;
}
