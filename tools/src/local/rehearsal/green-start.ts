import type { GreenRunningBasis } from '../../experiment/rehearsal-event';

/**
 * When green's first task ran: the rehearsal model's time zero. A task counts once it is registered with
 * its port open, or once it crashes; a task that never opens its port (it listens elsewhere) counts from
 * its registration. Each of these moments goes to the record once (`onRunning`), which reads the zero back
 * from them. `onFirst` is called once, when the first of these happens: the rehearsal starts its alarm
 * periods again there, so a condition that begins as green starts waits a whole period for its datapoint,
 * as in the model's worst case. Every other delay of the stand-in is the model's worst case too; without
 * this, where the period boundaries fall would depend on how long the processes took to start, which is
 * real time.
 */
export class GreenStart {
  private running = false;
  private registered = false;

  constructor(
    private readonly onRunning: (basis: GreenRunningBasis) => void,
    private readonly onFirst: () => void,
  ) {}

  taskRegistered(up: boolean): void {
    this.first();
    if (up) this.run('listening');
    else if (!this.registered && !this.running) this.onRunning('registered');
    this.registered = true;
  }

  crashed(): void {
    this.first();
    this.run('crashed');
  }

  private run(basis: GreenRunningBasis): void {
    if (this.running) return;
    this.running = true;
    this.onRunning(basis);
  }

  private first(): void {
    if (this.registered || this.running) return;
    this.onFirst();
  }
}
