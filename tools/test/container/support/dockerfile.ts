/**
 * A small reader for the project's Dockerfile: enough to check it against `settings.image` and to learn
 * its default base image, not a full Dockerfile parser (no heredocs, no escape directive).
 */

/** One instruction with its continuation lines joined. */
export interface Instruction {
  /** Upper-case keyword: FROM, RUN, COPY… */
  readonly keyword: string;
  /** Everything after the keyword, continuation lines joined with a space. */
  readonly args: string;
  /** The `AS` name of the stage it belongs to; undefined before the first FROM or for unnamed stages. */
  readonly stage: string | undefined;
  /** 1-based line where the instruction starts. */
  readonly line: number;
}

export interface Dockerfile {
  readonly instructions: readonly Instruction[];
  /** Defaults of the ARGs declared before the first FROM (the ones FROM lines can use). */
  readonly globalArgs: Readonly<Record<string, string>>;
}

/** Splits a Dockerfile into instructions, tracking which stage each belongs to. */
export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  const globalArgs: Record<string, string> = {};
  let stage: string | undefined;
  let seenFrom = false;
  let pending: { text: string; line: number } | undefined;

  const finish = (joined: string, line: number): void => {
    const match = /^(\S+)\s*(.*)$/s.exec(joined.trim());
    if (!match) return;
    const keyword = (match[1] ?? '').toUpperCase();
    const args = (match[2] ?? '').trim();
    if (keyword === 'FROM') {
      seenFrom = true;
      stage = /\sAS\s+(\S+)\s*$/i.exec(` ${args}`)?.[1];
    } else if (keyword === 'ARG' && !seenFrom) {
      const [name, ...value] = args.split('=');
      if (name && value.length > 0) globalArgs[name.trim()] = value.join('=').trim();
    }
    instructions.push({ keyword, args, stage, line });
  };

  text.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (trimmed === '' && pending === undefined)) return;
    const continues = trimmed.endsWith('\\');
    const body = continues ? trimmed.slice(0, -1) : trimmed;
    pending = pending
      ? { text: `${pending.text} ${body}`, line: pending.line }
      : { text: body, line: index + 1 };
    if (!continues) {
      finish(pending.text, pending.line);
      pending = undefined;
    }
  });
  if (pending) finish(pending.text, pending.line);
  return { instructions, globalArgs };
}

/** The JSON array of an exec-form instruction (`CMD ["node", "x.js"]`); undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.trim().startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The instructions of the last stage: what the image that runs is made of. */
export function finalStage(dockerfile: Dockerfile): Instruction[] {
  const fromIndex = dockerfile.instructions.map((instruction) => instruction.keyword).lastIndexOf('FROM');
  return fromIndex === -1 ? [] : dockerfile.instructions.slice(fromIndex);
}

/** Replaces `${NAME}` and `$NAME` with the given values, leaving unknown names as they are. */
export function substitute(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (whole, braced?: string, bare?: string) => values[braced ?? bare ?? ''] ?? whole,
  );
}
