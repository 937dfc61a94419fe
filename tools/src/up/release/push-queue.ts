/**
 * Items in arrival order for one consumer at a time, held until taken: a push that arrives while a release
 * runs waits for it, as the pipeline's QUEUED execution mode keeps every execution. `end` drops what still
 * waits (`up` is stopping: no new release starts) and ends the iteration.
 */
export class PushQueue<T> {
  private readonly waiting: T[] = [];
  private wake: (() => void) | undefined;
  private ended = false;

  /** How many items wait to be taken. */
  get length(): number {
    return this.waiting.length;
  }

  push(item: T): void {
    if (this.ended) return;
    this.waiting.push(item);
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.waiting.length = 0;
    this.wake?.();
  }

  /** The items as they arrive, until `end`. */
  async *items(): AsyncGenerator<T> {
    for (;;) {
      const next = this.waiting.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}
