import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Bad flags or arguments: the command prints the message and the help line it concerns, and exits 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The flag or word the error is about, used to find the relevant line of the help text. */
    readonly about?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** `parseArgs` in strict mode, with its errors turned into {@link UsageError}s that name the flag. */
export function parseCommandArgs<O extends Options>(
  argv: readonly string[],
  options: O,
  allowPositionals: boolean,
) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const flag = /'(-{1,2}[A-Za-z][\w-]*)/.exec(message)?.[1];
    throw new UsageError(message.split('\n')[0] ?? message, flag);
  }
}

/** The help text's usage lines, followed by the option lines about `about` (a flag) when there are any. */
export function relevantHelp(help: string, about: string | undefined): string {
  const lines = help.split('\n');
  const blank = lines.indexOf('');
  const usage = blank === -1 ? lines : lines.slice(0, blank);
  const options = about === undefined ? [] : lines.filter((line) => line.trimStart().startsWith(about));
  return [...usage, ...options].join('\n');
}

/** Parses a duration: a number of seconds, or a number with `ms`, `s`, `m` or `h` (`500ms`, `90s`, `5m`). */
export function parseDurationMs(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new UsageError(`${flag} needs a duration such as 30s, 500ms or 5m, got "${text}"`, flag);
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * factor;
}

/** Parses a positive number (an integer when `integer`). */
export function parsePositive(text: string, flag: string, integer: boolean): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(
      `${flag} needs a positive ${integer ? 'whole number' : 'number'}, got "${text}"`,
      flag,
    );
  }
  return n;
}
