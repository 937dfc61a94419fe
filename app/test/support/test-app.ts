import type { Express } from 'express';
import { createApp, type AppDeps } from '../../src/app';
import type { Clock, RandomSource } from '../../src/clock';
import { loadConfig, type ConfigEnv } from '../../src/config';
import { createLifecycle, type Lifecycle } from '../../src/lifecycle';
import { createLogger } from '../../src/logger';
import { createMetrics, type Metrics } from '../../src/metrics';
import { createMetricsApp } from '../../src/metrics-app';

export type LogLine = Record<string, unknown> & { level: string; msg: string };

/** A clock that only moves when told to; `sleep` advances it and records the delay. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private time = 1_700_000_000_000) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
    return Promise.resolve();
  }
}

/** Returns the given numbers in turn, then repeats the last one. */
export function sequence(...values: number[]): RandomSource {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)]!;
}

export interface TestApp {
  app: Express;
  /** The metrics listener's app, on the same registry and log. */
  metricsApp: Express;
  logs: LogLine[];
  clock: FakeClock;
  lifecycle: Lifecycle;
  metrics: Metrics;
}

/**
 * Builds the real app and the metrics listener's app from an environment, with an in-memory log, a fake
 * clock and no default metrics.
 */
export function buildTestApp(
  env: ConfigEnv = {},
  overrides: Partial<Pick<AppDeps, 'random' | 'probeDependency'>> & { logLevel?: 'debug' | 'info' } = {},
): TestApp {
  const config = loadConfig({ APP_VERSION: 'test-1', ...env }, '0.0.0-pkg');
  const logs: LogLine[] = [];
  const logger = createLogger(
    { level: overrides.logLevel ?? config.logLevel, version: config.version },
    { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
  );
  const clock = new FakeClock();
  const lifecycle = createLifecycle(clock.now());
  const metrics = createMetrics({ version: config.version, faults: config.faults, defaultMetrics: false });
  const app = createApp({
    config,
    logger,
    metrics,
    lifecycle,
    clock,
    ...(overrides.random ? { random: overrides.random } : {}),
    ...(overrides.probeDependency ? { probeDependency: overrides.probeDependency } : {}),
  });
  const metricsApp = createMetricsApp({ version: config.version, logger, metrics });
  return { app, metricsApp, logs, clock, lifecycle, metrics };
}
