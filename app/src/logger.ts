import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config';
import { settings } from '../../contract/settings';

export type { Logger };

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly version?: string;
}

/**
 * A JSON logger for stdout. Writes are synchronous by default so that the line explaining a crash is out
 * before `process.exit`; tests pass their own destination.
 */
export function createLogger(options: LoggerOptions, destination?: DestinationStream): Logger {
  return pino(
    {
      level: options.level,
      base: { service: settings.serviceName, ...(options.version ? { version: options.version } : {}) },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
