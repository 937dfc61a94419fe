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
  /** Address to bind; 0.0.0.0 in the container, 127.0.0.1 in the local rehearsal. */
  readonly host: string;
  /** Shown in `GET /`, the `x-app-version` header, logs and the info metric. */
  readonly version: string;
  readonly logLevel: LogLevel;
  readonly faults: ActiveFaults;
}

/** The variables {@link loadConfig} reads; anything else in the environment is ignored. */
export type ConfigEnv = Readonly<
  Partial<Record<'PORT' | 'HOST' | 'APP_VERSION' | 'LOG_LEVEL' | 'FAULTS', string>>
>;

/** Defaults and limits, one per key, so the README table and the parser cannot drift. */
export const CONFIG_DEFAULTS = {
  port: settings.container.port,
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
  const port = given(env.PORT);
  const host = given(env.HOST);
  const version = given(env.APP_VERSION);
  const level = given(env.LOG_LEVEL);
  const listenOn = {
    port: port === undefined ? CONFIG_DEFAULTS.port : parsePort('PORT', port),
    host: host === undefined ? CONFIG_DEFAULTS.host : parseHost(host),
  };
  return Object.freeze({
    ...listenOn,
    version: parseVersion(version ?? packageVersion),
    logLevel: level === undefined ? CONFIG_DEFAULTS.logLevel : parseLogLevel(level),
    // Checked against the port and address this process runs with, not the release's defaults.
    faults: Object.freeze(parseFaults(env.FAULTS, listenOn)),
  });
}

/** The port the server actually binds: the `wrong-port` fault's port when it is on. */
export function listenPort(config: Config): number {
  return config.faults['wrong-port'] ?? config.port;
}
