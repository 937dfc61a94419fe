import type { ProbeResult } from '../../../../core/probe/release-probe';
import type { Clock } from '../clock';
import type { HookInvocation, HookReply } from '../controllers/native-lifecycle';
import { runLocalHook, runLocalNativeHook } from '../lambdas/local-hook';
import type { HookRun } from '../result/real-time-spans';
import type { LocalHookTimings } from '../time-scale/local-timings';

/**
 * The test-traffic hook's invocations in one rehearsal, under either controller: each runs the Lambda's own
 * probe against the test listener, and the probe in flight is kept so the rehearsal's end can wait for it.
 */
export class HookRuns {
  /** When the hook's requests ran, in the rehearsal's real time: the report's spans. */
  readonly run: HookRun = { requestsMs: [] };
  private readonly abort = new AbortController();
  private probe: Promise<ProbeResult> | undefined;

  constructor(
    private readonly expectedVersion: string,
    private readonly timings: LocalHookTimings,
    private readonly clock: Clock,
    private readonly elapsed: () => number,
  ) {}

  /** CodeDeploy's AfterAllowTestTraffic hook. */
  codeDeploy(testUrl: string): Promise<ProbeResult> {
    return this.tracked(
      runLocalHook(testUrl, this.expectedVersion, this.timings, this.clock, this.abort.signal, (ms) =>
        this.run.requestsMs.push(ms),
      ),
    );
  }

  /** One invocation of native ECS's POST_TEST_TRAFFIC_SHIFT hook, with the Lambda's own answer rule. */
  async native(testUrl: string, invocation: HookInvocation): Promise<HookReply> {
    const reply = runLocalNativeHook(
      invocation,
      testUrl,
      this.expectedVersion,
      this.timings,
      this.clock,
      this.abort.signal,
      (ms) => this.run.requestsMs.push(ms),
    );
    await this.tracked(reply.then((r) => r.probe));
    return reply;
  }

  /** Ends any probe still running and waits for it. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.probe;
  }

  private tracked(probe: Promise<ProbeResult>): Promise<ProbeResult> {
    this.run.startedAt ??= this.elapsed();
    this.probe = probe.then((result) => {
      this.run.endedAt = this.elapsed();
      return result;
    });
    return this.probe;
  }
}
