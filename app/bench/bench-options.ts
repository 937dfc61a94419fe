import { parseArgs } from 'node:util';
import { parseCount } from '../../contract/parse-units';

/** A command-line mistake: the message, and the flag it is about (for the help line to show). */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly about?: string,
  ) {
    super(message);
  }
}

/** The usage lines of `help`, then its option line about `flag`, when there is one. */
export function relevantHelp(help: string, flag: string | undefined): string {
  const lines = help.split('\n');
  const usage = lines.slice(0, Math.max(1, lines.indexOf('')));
  const option = flag === undefined ? [] : lines.filter((line) => line.trimStart().startsWith(flag));
  return [...usage, ...option].join('\n');
}

/** What one `npm run bench` measures. */
export interface BenchOptions {
  readonly connections: number;
  readonly rounds: number;
  /** Spawns of each target for the start-up figure (their median is compared). */
  readonly spawns: number;
  readonly durationSeconds: number;
  readonly json: boolean;
}

export const BENCH_HELP = `Usage: npm run bench -- [--connections N] [--rounds N] [--spawns N] [--duration SECONDS] [--json]

Loads the built service and a bare Express 5 app with the same two routes on 127.0.0.1, rounds
interleaved, and times spawn to first 200 on /health for both. Read the ratios, not the absolute figures.

Options:
  --connections N     concurrent keep-alive connections per run, 1 to 1000 (default 32)
  --rounds N          rounds per route, the order alternating between rounds, 1 to 20 (default 3)
  --spawns N          spawns of each app for the start-up median, alternating, 1 to 51 (default 11)
  --duration SECONDS  length of each run after a 1 s warm-up, 1 to 600 (default BENCH_DURATION_SECONDS or 6)
  --json              print one JSON object (per-round figures, medians, ratios) instead of the table
  -h, --help          show this help`;

const OPTIONS = {
  connections: { type: 'string' },
  rounds: { type: 'string' },
  spawns: { type: 'string' },
  duration: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** A whole number from `min` to `max`, read by the same count parser as FAULTS and the rehearsal commands. */
function integerIn(text: string, flag: string, min: number, max: number): number {
  const parsed = parseCount(text, { whole: true, min, max, why: 'what one bench run can use' });
  if (!parsed.ok) {
    throw new UsageError(`${flag} needs a whole number from ${min} to ${max}, got "${text}"`, flag);
  }
  return parsed.value;
}

/**
 * Parses the bench's arguments; `env` supplies the `BENCH_DURATION_SECONDS` default. Returns `'help'` for
 * `--help`. Throws {@link UsageError} naming the flag for anything it cannot use.
 */
export function parseBenchOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): BenchOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    throw new UsageError(message, /'(--?[\w-]+)/.exec(message)?.[1]);
  }
  if (values.help) return 'help';
  const duration = values.duration ?? env.BENCH_DURATION_SECONDS;
  return {
    connections:
      values.connections === undefined ? 32 : integerIn(values.connections, '--connections', 1, 1000),
    rounds: values.rounds === undefined ? 3 : integerIn(values.rounds, '--rounds', 1, 20),
    spawns: values.spawns === undefined ? 11 : integerIn(values.spawns, '--spawns', 1, 51),
    durationSeconds: duration === undefined ? 6 : integerIn(duration, '--duration', 1, 600),
    json: values.json,
  };
}
