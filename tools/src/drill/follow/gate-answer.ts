/**
 * `drill --gate`: once the watch sees the release held before production traffic, green is probed through
 * the test listener (a person's look before deciding) and the hold is ended the way the flag says, with
 * the calls `continue` and `rollback` make. The watch keeps polling meanwhile and follows the release to
 * its end; this only writes the person's side into the drill's record.
 */
import { describeError } from '../../aws/describe-error';
import { continueHeld, stopWithRollback } from '../../aws/by-hand/end-hold';
import { findHeldRelease } from '../../aws/by-hand/held-release';
import type { AwsClients } from '../../aws/clients';
import type { ReleaseTargetRef } from '../../aws/resolve-controller';
import type { EventInput, GateChoice } from '../../experiment/rehearsal-event';

/** One GET of green through the test listener. */
export interface ProbeAnswer {
  readonly path: string;
  readonly status?: number;
  readonly version?: string;
  readonly error?: string;
}

/** The paths probed, each {@link PROBE_ROUNDS} times: the page production will serve and the health check. */
const PROBE_PATHS = ['/', '/health'] as const;
const PROBE_ROUNDS = 3;
const PROBE_TIMEOUT_MS = 5000;

/** A handful of GETs of `/` and `/health` on the test listener, one at a time: status and `x-app-version`. */
export async function probeGreen(
  testUrl: string,
  fetchImpl: typeof fetch = fetch,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<ProbeAnswer[]> {
  const base = testUrl.replace(/\/+$/, '');
  const answers: ProbeAnswer[] = [];
  for (let round = 0; round < PROBE_ROUNDS; round += 1)
    for (const path of PROBE_PATHS) {
      try {
        const response = await fetchImpl(`${base}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
        await response.arrayBuffer();
        const version = response.headers.get('x-app-version');
        answers.push({ path, status: response.status, ...(version !== null && { version }) });
      } catch (error) {
        answers.push({ path, error: describeError(error) });
      }
    }
  return answers;
}

/** The probe in one line: each answer as `path status version`. */
export function describeProbe(answers: readonly ProbeAnswer[]): string {
  return answers
    .map((a) => `${a.path} ${a.error ?? `${a.status ?? '?'} ${a.version ?? '(no x-app-version)'}`}`)
    .join(', ');
}

export interface GateAnswerDeps {
  readonly aws: AwsClients;
  readonly target: ReleaseTargetRef;
  readonly testUrl: string;
  readonly choice: GateChoice;
  /** Writes one of the person's events into the drill's record (and says it). */
  readonly record: (event: EventInput) => void;
  readonly fetchImpl?: typeof fetch;
  /** The drill's interrupt: once it fires, the drill no longer ends the hold; the person does. */
  readonly signal?: AbortSignal;
}

/** The gate's side of one drill: started by the first held event, settled when the watch has ended. */
export class GateAnswer {
  private answering: Promise<void> | undefined;
  private probe: ProbeAnswer[] = [];

  constructor(private readonly deps: GateAnswerDeps) {}

  /** The watch saw the release held: probe and answer, once, while the watch goes on polling. */
  readonly onHeld = (): void => {
    this.answering ??= this.answer().catch((error: unknown) =>
      this.deps.record({
        type: 'drill',
        action: 'gate-answer-failed',
        detail: `${describeError(error)}; end it by hand: npm run rehearse -- ${this.deps.choice}`,
      }),
    );
  };

  /** What the probe saw, for the report. */
  get answers(): readonly ProbeAnswer[] {
    return this.probe;
  }

  /** After the watch: waits for the answer, or says the release never held and what decided it. */
  async settle(decidedBy: () => string): Promise<void> {
    if (this.answering) return this.answering;
    this.deps.record({ type: 'drill', action: 'never-held', detail: `decided by ${decidedBy()}` });
  }

  private async answer(): Promise<void> {
    const { aws, target, testUrl, choice, record } = this.deps;
    this.probe = await probeGreen(testUrl, this.deps.fetchImpl);
    record({ type: 'drill', action: 'gate-probed', detail: `${testUrl}: ${describeProbe(this.probe)}` });
    if (this.deps.signal?.aborted) {
      record({
        type: 'note',
        text: `interrupted before the drill answered: the release may still be held; end it with npm run rehearse -- ${choice}`,
      });
      return;
    }
    const held = await findHeldRelease(aws, target);
    if (held === undefined) {
      record({
        type: 'drill',
        action: 'hold-ended-first',
        detail: `nothing was held when the drill went to ${choice}: a stop call or the hold's time-out ended it`,
      });
      return;
    }
    const id = held.controller === 'codedeploy' ? held.deploymentId : held.deploymentArn;
    if (choice === 'continue') {
      const line = await continueHeld(aws, held);
      record({ type: 'hold-released', by: 'continue', detail: line });
      return;
    }
    const line = await stopWithRollback(aws, target, id);
    record({
      type: 'stopped-by-hand',
      command: 'rollback',
      deploymentId: id,
      detail: 'drill --gate rollback',
    });
    record({ type: 'hold-released', by: 'rollback', detail: line });
  }
}
