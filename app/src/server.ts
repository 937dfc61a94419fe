import http from 'node:http';
import { createApp } from './app';
import { loadConfig, listenPort, type Config } from './config';
import { ConfigError } from '../../contract/config-error';
import { EXIT_CODES } from './exit-codes';
import { formatFaults } from '../../contract/faults/parse-faults';
import { clientErrorHandler, connectHandler } from './http/client-error';
import { createLifecycle } from './lifecycle';
import { listen } from './listen';
import { createLogger, type Logger } from './logger';
import { createMetrics } from './metrics';
import { createMetricsApp } from './metrics-app';
import { readPackageVersion } from './package-version';
import { settings } from '../../contract/settings';
import { installShutdown } from './shutdown';

// The entry: environment in, listening server out. Everything it wires is built and tested elsewhere.

/** Logs a fatal line (pino writes fatal lines out at once) and exits, so the reason is out before the process ends. */
function die(logger: Logger, code: number, fields: object, message: string): never {
  logger.fatal(fields, message);
  process.exit(code);
}

function readConfig(): Config {
  try {
    return loadConfig(process.env, readPackageVersion(__dirname) ?? '0.0.0');
  } catch (error) {
    // The configured level may be the bad value itself: report with a logger that always prints fatal.
    const logger = createLogger({ level: 'info' });
    if (error instanceof ConfigError) {
      die(logger, EXIT_CODES.config, { variable: error.variable, value: error.value }, error.message);
    }
    throw error;
  }
}

/** How long after listening the metrics registry is built, unless a scrape asks for it sooner. */
const METRICS_LOAD_DELAY_MS = 1_000;

async function main(): Promise<void> {
  const startedAt = Date.now();
  const config = readConfig();
  const logger = createLogger({ level: config.logLevel, version: config.version });
  process.on('uncaughtException', (error) =>
    die(logger, EXIT_CODES.failure, { err: error }, 'uncaught exception'),
  );
  process.on('unhandledRejection', (error) =>
    die(logger, EXIT_CODES.failure, { err: error }, 'unhandled rejection'),
  );

  const faults = formatFaults(config.faults);
  logger.info(
    { faults, pid: process.pid, node: process.version },
    `starting with FAULTS=${JSON.stringify(faults)}`,
  );
  if (config.faults['startup-crash']) {
    die(
      logger,
      EXIT_CODES.injectedCrash,
      { fault: 'startup-crash' },
      'startup-crash fault: failing start-up on purpose',
    );
  }

  const lifecycle = createLifecycle(startedAt);
  const metrics = createMetrics({ version: config.version, faults: config.faults });
  // The app answers a request without Host itself (see require-host.ts), with its header and a log line.
  const server = http.createServer(
    { requireHostHeader: false },
    createApp({ config, logger, metrics, lifecycle }),
  );
  server.keepAliveTimeout = settings.http.keepAliveTimeoutMs;
  server.headersTimeout = settings.http.headersTimeoutMs;
  // Metrics have a listener of their own, on a port the load balancer never routes to.
  const metricsServer = http.createServer(createMetricsApp({ version: config.version, logger, metrics }));
  for (const each of [server, metricsServer]) {
    each.on('clientError', clientErrorHandler(config.version, logger));
    each.on('connect', connectHandler(config.version, logger));
  }

  let crashTimer: NodeJS.Timeout | undefined;
  const shutdown = installShutdown({
    server,
    otherServers: [metricsServer],
    lifecycle,
    logger,
    deadlineMs: settings.shutdown.deadlineMs,
    exit: (code) => process.exit(code),
    onDrainStart: () => clearTimeout(crashTimer),
  });
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  const port = listenPort(config);
  const wrongPort = config.faults['wrong-port'];
  try {
    await listen(server, port, config.host, {
      variable: wrongPort === undefined ? 'PORT' : 'FAULTS',
      value: wrongPort === undefined ? String(config.port) : (process.env.FAULTS ?? ''),
    });
    await listen(metricsServer, config.metricsPort, config.host, {
      variable: 'METRICS_PORT',
      value: String(config.metricsPort),
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      die(logger, EXIT_CODES.config, { variable: error.variable, value: error.value }, error.message);
    }
    throw error;
  }
  logger.info(
    {
      host: config.host,
      port,
      configuredPort: config.port,
      metricsPort: config.metricsPort,
      faults,
      startupMs: Date.now() - startedAt,
    },
    `listening on ${config.host}:${port}, metrics on port ${config.metricsPort}`,
  );
  // prom-client is the largest module the service loads and nothing needs it before the first scrape: load
  // it a moment after listening, so the first health check is not kept waiting for it.
  setTimeout(() => metrics.load(), METRICS_LOAD_DELAY_MS).unref();

  const crashAfter = config.faults['crash-after'];
  if (crashAfter !== undefined) {
    crashTimer = setTimeout(
      () =>
        die(
          logger,
          EXIT_CODES.injectedCrash,
          { fault: 'crash-after' },
          `crash-after fault: exiting after ${crashAfter} s`,
        ),
      crashAfter * 1000,
    );
  }
}

main().catch((error: unknown) => {
  createLogger({ level: 'info' }).fatal({ err: error }, 'start-up failed');
  process.exit(EXIT_CODES.failure);
});
