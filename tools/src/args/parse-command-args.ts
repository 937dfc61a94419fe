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

/**
 * `--count -5` reads to parseArgs as a flag without its value ("argument is ambiguous"); joined as
 * `--count=-5`, the value reaches the flag's own parser, which says what range is allowed.
 */
function joinNegativeValues(argv: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name && options[name]?.type === 'string' && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${arg}=${next}`);
      i += 1;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** `parseArgs` in strict mode, with its errors turned into {@link UsageError}s that name the flag. */
export function parseCommandArgs<O extends Options>(
  argv: readonly string[],
  options: O,
  allowPositionals: boolean,
) {
  try {
    return parseArgs({ args: joinNegativeValues(argv, options), options, strict: true, allowPositionals });
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
