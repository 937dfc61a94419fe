import { exitCodesHelp } from '../args/exit-codes';
import { writeJson } from '../terminal/json-output';
import { guardCommand } from '../args/guard-command';
import {
  CONCURRENCY,
  countFlag,
  durationFlag,
  REQUEST_COUNT,
  REQUEST_RATE,
  shareFlag,
} from '../args/flag-values';
import { parseCommandArgs, UsageError } from '../args/parse-command-args';
import { describeThreshold, formatSecond, formatSummary, formatThresholds } from '../load/format-load';
import { runLoad, type LoadOptions, type LoadResult } from '../load/load-loop';
import { probe } from '../load/probe';
import { checkThresholds, type LoadThresholds, type ThresholdCheck } from '../load/thresholds';
import type { CliDeps, Command } from '../cli-deps';
import { CLEAR_LINE, outputStyle } from '../terminal/output-style';

/** Defaults of the load loop: a steady trickle that any alarm can see, stopped by Ctrl-C. */
const DEFAULT_RATE = 10;
const DEFAULT_CONCURRENCY = 10;
const DEFAULT_TIMEOUT = '5s';

const HELP = `Usage: npm run rehearse -- load URL [options]

Sends GET requests to URL and prints one line per second: requests, status counts, error rate,
p50/p99 latency and the versions seen (x-app-version). Prints a summary at the end and on Ctrl-C.

Options:
  --count N           stop after N requests
  --duration TIME     stop after TIME (30s, 5m, 500ms; a bare number is seconds)
  --interval TIME     one request every TIME (a curl loop with sleep 0.5 is --interval 0.5)
  --rate N            N requests per second (default ${DEFAULT_RATE}); --rate max sends back to back
  --concurrency N     requests in flight at most (default ${DEFAULT_CONCURRENCY})
  --timeout TIME      limit for one request (default ${DEFAULT_TIMEOUT})
  --max-error-rate R  threshold: fail when more than R of the requests failed (0.01 or 1%)
  --max-p99 TIME      threshold: fail when the run's p99 latency is over TIME (500ms)
  --json              print the result as JSON on stdout (progress goes to stderr)
  -h, --help          show this help

Without --count or --duration the loop runs until Ctrl-C.

${exitCodesHelp('the run ended within every threshold given', 'a threshold was crossed, or nothing answers at URL')}`;

const OPTIONS = {
  count: { type: 'string' },
  duration: { type: 'string' },
  interval: { type: 'string' },
  rate: { type: 'string' },
  concurrency: { type: 'string' },
  timeout: { type: 'string' },
  'max-error-rate': { type: 'string' },
  'max-p99': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function parseUrl(text: string | undefined): URL {
  if (text === undefined) throw new UsageError('load needs a URL, e.g. http://127.0.0.1:8080/');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`"${text}" is not a URL; write it in full, e.g. http://127.0.0.1:8080/`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`URL must start with http:// or https://, got "${text}"`);
  }
  return url;
}

/** Turns the flags into load options; exported so the drill builds the same loop from the same flags. */
export function loadOptionsFromFlags(
  url: string,
  flags: {
    count?: string;
    duration?: string;
    interval?: string;
    rate?: string;
    concurrency?: string;
    timeout?: string;
  },
): LoadOptions {
  if (flags.interval !== undefined && flags.rate !== undefined) {
    throw new UsageError('give --interval or --rate, not both', '--interval');
  }
  const unpaced = flags.rate === 'max';
  return {
    url,
    ...(flags.count !== undefined && { count: countFlag(flags.count, '--count', REQUEST_COUNT) }),
    ...(flags.duration !== undefined && { durationMs: durationFlag(flags.duration, '--duration') }),
    ...(flags.interval !== undefined
      ? { intervalMs: durationFlag(flags.interval, '--interval') }
      : unpaced
        ? {}
        : { rate: flags.rate === undefined ? DEFAULT_RATE : countFlag(flags.rate, '--rate', REQUEST_RATE) }),
    concurrency:
      flags.concurrency === undefined
        ? DEFAULT_CONCURRENCY
        : countFlag(flags.concurrency, '--concurrency', CONCURRENCY),
    timeoutMs: durationFlag(flags.timeout ?? DEFAULT_TIMEOUT, '--timeout'),
  };
}

function thresholdsFromFlags(flags: { 'max-error-rate'?: string; 'max-p99'?: string }): LoadThresholds {
  return {
    ...(flags['max-error-rate'] !== undefined && {
      maxErrorRate: shareFlag(flags['max-error-rate'], '--max-error-rate'),
    }),
    ...(flags['max-p99'] !== undefined && { maxP99Ms: durationFlag(flags['max-p99'], '--max-p99') }),
  };
}

async function run(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
  if (values.help) {
    deps.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`load takes one URL, got ${positionals.length}`);
  const url = parseUrl(positionals[0]);
  const options = loadOptionsFromFlags(url.href, values);
  const thresholds = thresholdsFromFlags(values);

  const first = await probe(url, options.timeoutMs);
  if (!first.ok) {
    deps.stderr.write(`Cannot reach ${url.href}: ${first.reason}. Is the service running?\n`);
    return 1;
  }

  const progress = values.json ? deps.stderr : deps.stdout;
  const live = outputStyle(progress, deps.env).live;
  const controller = new AbortController();
  const removeInterrupt = deps.onInterrupt?.(() => controller.abort());
  let result;
  try {
    result = await runLoad({
      ...options,
      signal: controller.signal,
      ...(deps.now && { now: deps.now }),
      onSecond: (second) =>
        progress.write(live ? `${CLEAR_LINE}${formatSecond(second)}` : `${formatSecond(second)}\n`),
    });
  } finally {
    removeInterrupt?.();
  }
  if (live) progress.write('\n');
  const interrupted = controller.signal.aborted;
  if (interrupted) deps.stderr.write('Interrupted; summary of what completed:\n');
  const checks = checkThresholds(result, thresholds);
  writeResult(result, checks, values.json, deps);
  return interrupted ? 130 : checks.some((c) => c.crossed) ? 1 : 0;
}

/** The summary (or JSON) on stdout, with the thresholds when any were given; each one crossed on stderr. */
function writeResult(
  result: LoadResult,
  checks: readonly ThresholdCheck[],
  json: boolean,
  deps: CliDeps,
): void {
  if (json) {
    const shown = checks.length === 0 ? result : { ...result, thresholds: checks };
    writeJson(deps.stdout, shown);
  } else {
    const lines = [formatSummary(result), ...(checks.length === 0 ? [] : [formatThresholds(checks)])];
    deps.stdout.write(`${lines.join('\n')}\n`);
  }
  for (const c of checks) if (c.crossed) deps.stderr.write(`Threshold crossed: ${describeThreshold(c)}.\n`);
}

export const loadCommand: Command = {
  summary: 'load loop against a URL: per-second status, errors, latency and versions',
  run: (argv, deps) => guardCommand(HELP, deps, () => run(argv, deps)),
};
