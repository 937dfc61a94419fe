/**
 * When green's first task ran: the rehearsal model's time zero. A task counts once it is registered with
 * its port open, or once it crashes; a task that never opens its port (it listens elsewhere) counts from
 * its registration. `onFirst` is called once, when the first of these happens: the rehearsal starts its
 * alarm periods again there, so a condition that begins as green starts waits a whole period for its
 * datapoint, as in the model's worst case. Every other delay of the stand-in is the model's worst case
 * too; without this, where the period boundaries fall would depend on how long the processes took to
 * start, which is real time.
 */
export class GreenStart {
  launchedAt: number | undefined;
  private runningAt: number | undefined;
  private registeredAt: number | undefined;
  private started = false;

  constructor(
    private readonly now: () => number,
    private readonly onFirst: () => void,
  ) {}

  launched(): void {
    this.launchedAt ??= this.now();
  }

  registered(up: boolean): void {
    this.first();
    this.registeredAt ??= this.now();
    if (up) this.runningAt ??= this.now();
  }

  crashed(): void {
    this.first();
    this.runningAt ??= this.now();
  }

  /** The model's time zero, in rehearsal milliseconds; undefined while green has not run. */
  zero(): number | undefined {
    return this.runningAt ?? this.registeredAt;
  }

  private first(): void {
    if (this.started) return;
    this.started = true;
    this.onFirst();
  }
}
