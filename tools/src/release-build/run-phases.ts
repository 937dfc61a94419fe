import type { Buildspec, BuildPhase, PhaseName } from './buildspec';
import type { CommandSession } from './shell-session';

/*
 * The order and the failure rules of a CodeBuild build (CodeBuild User Guide, "Build specification
 * reference for CodeBuild" and "Build phase transitions"): the phases run in order, a phase stops at its
 * first failed command, `finally` runs whatever happened, and then
 * - `on-failure: ABORT` ends the build: no later phase runs;
 * - `on-failure: CONTINUE` goes on to the next phase, the build still fails;
 * - unset: a failed install or pre_build ends the build, a failed build still runs post_build.
 * CODEBUILD_BUILD_SUCCEEDING is 1 until something fails, then 0.
 */

export type PhaseStatus = 'SUCCEEDED' | 'FAILED' | 'NOT_RUN';

export interface PhaseResult {
  readonly name: PhaseName;
  readonly status: PhaseStatus;
  readonly durationMs: number;
  /** The command that failed, its exit status, and why later phases did not run. */
  readonly failure?: { readonly command: string; readonly exitCode: number } | undefined;
}

export interface BuildResult {
  readonly succeeded: boolean;
  readonly phases: readonly PhaseResult[];
}

export interface RunPhasesDeps {
  readonly session: CommandSession;
  /** Progress lines (each phase and command as it starts and ends). */
  readonly log: (line: string) => void;
  readonly now: () => number;
}

const firstLine = (command: string): string => {
  const [line = ''] = command.trim().split('\n');
  return command.trim().includes('\n') ? `${line} ...` : line;
};

async function runCommands(
  phase: BuildPhase,
  commands: readonly string[],
  deps: RunPhasesDeps,
): Promise<{ command: string; exitCode: number } | undefined> {
  for (const command of commands) {
    deps.log(`[${phase.name}] Running command ${firstLine(command)}`);
    const exitCode = await deps.session.run(command);
    if (exitCode !== 0) {
      deps.log(
        `[${phase.name}] Command did not exit successfully ${firstLine(command)} exit status ${exitCode}`,
      );
      return { command, exitCode };
    }
  }
  return undefined;
}

async function runPhase(phase: BuildPhase, deps: RunPhasesDeps): Promise<PhaseResult> {
  const started = deps.now();
  deps.log(`== phase ${phase.name}`);
  for (const [runtime, version] of Object.entries(phase.runtimeVersions)) {
    deps.log(
      `[${phase.name}] runtime-versions ${runtime}: ${version} is not installed here (CodeBuild's managed image does that); this machine's ${runtime === 'nodejs' ? `Node ${process.version}` : runtime} runs the build`,
    );
  }
  const failed = await runCommands(phase, phase.commands, deps);
  const finallyFailed = await runCommands(phase, phase.finally, deps);
  const failure = failed ?? finallyFailed;
  const durationMs = deps.now() - started;
  deps.log(
    `== phase ${phase.name} ${failure ? 'FAILED' : 'SUCCEEDED'} in ${(durationMs / 1000).toFixed(1)} s`,
  );
  return { name: phase.name, status: failure ? 'FAILED' : 'SUCCEEDED', durationMs, failure };
}

/** Whether a phase runs after earlier ones, given what failed before it. */
function runsAfter(name: PhaseName, failedBefore: readonly BuildPhase[]): boolean {
  return failedBefore.every(
    (phase) =>
      phase.onFailure === 'CONTINUE' ||
      (phase.onFailure === undefined && phase.name === 'build' && name === 'post_build'),
  );
}

/** Runs a buildspec's phases in one session, following CodeBuild's phase transitions. */
export async function runPhases(spec: Buildspec, deps: RunPhasesDeps): Promise<BuildResult> {
  const results: PhaseResult[] = [];
  const failed: BuildPhase[] = [];
  for (const phase of spec.phases) {
    if (!runsAfter(phase.name, failed)) {
      results.push({ name: phase.name, status: 'NOT_RUN', durationMs: 0 });
      continue;
    }
    deps.session.setVariable('CODEBUILD_BUILD_SUCCEEDING', failed.length === 0 ? '1' : '0');
    const result = await runPhase(phase, deps);
    results.push(result);
    if (result.status === 'FAILED') failed.push(phase);
  }
  return { succeeded: failed.length === 0, phases: results };
}
