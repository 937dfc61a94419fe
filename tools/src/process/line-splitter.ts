import { StringDecoder } from 'node:string_decoder';

/** Characters of one line kept; the rest of a longer line is dropped, so a line never ending stays small. */
export const MAX_LINE_CHARS = 4_096;

/**
 * Turns one stream's chunks into whole lines. A pipe's chunks end wherever the writer's buffer did, mid-line
 * or mid-character, so the unfinished line and any partial UTF-8 sequence are carried over to the next
 * chunk. Use one splitter per stream: two streams' pieces must never join into one line.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineChars = MAX_LINE_CHARS,
  ) {}

  /** The line written so far, whose newline has not come yet. */
  get pending(): string {
    return this.partial;
  }

  write(chunk: Buffer | string): void {
    const parts = (this.partial + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk))).split(
      '\n',
    );
    this.partial = (parts.pop() ?? '').slice(0, this.maxLineChars);
    for (const line of parts) this.onLine(line.slice(0, this.maxLineChars));
  }

  /** Hands over the last line when the stream ended without a newline after it. */
  end(): void {
    const rest = (this.partial + this.decoder.end()).slice(0, this.maxLineChars);
    this.partial = '';
    if (rest !== '') this.onLine(rest);
  }
}
