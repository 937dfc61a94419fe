import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Buildspec, parseBuildspec } from './buildspec';
import { type ArtifactCheck, checkArtifacts } from './check-artifacts';
import { buildEnvironment } from './codebuild-env';
import { type BuildResult, runPhases } from './run-phases';
import { type CommandSession, createShellSession } from './shell-session';

/*
 * "Run this buildspec on this export": what `npm run rehearse:build` and `up`'s Build stage share. The
 * caller exports the commit, starts the registry standing in for ECR and writes the `docker` and `aws`
 * commands the build finds first on PATH; this runs the buildspec's phases in one session with CodeBuild's
 * and the pipeline's variables, then checks the artifacts as the deploy stage reads them.
 */

/** Repository name in the stand-in registry, as the pipeline stack's ECR repository is named. */
export const REPOSITORY = 'rollback-rehearsal';

/** The running command's pid, in the session's state folder, while it runs. */
export const COMMAND_PID_FILE = 'command.pid';

/** The registry standing in for ECR, as the build and the artifact checks reach it. */
export interface StandInRegistry {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `127.0.0.1:<port>`, the registry part of an image name. */
  readonly host: string;
}

export interface RunBuildspecOptions {
  /** The export of the commit (CODEBUILD_SRC_DIR). */
  readonly srcDir: string;
  readonly commit: string;
  /** A private folder for the shell session's state. */
  readonly stateDir: string;
  /** Where the caller wrote the `docker` and `aws` stand-ins; first on the build's PATH. */
  readonly binDir: string;
  readonly registry: StandInRegistry;
  readonly region: string;
  /** The buildspec to run; @default the export's own buildspec.yml */
  readonly buildspecFile?: string | undefined;
  /** Progress lines: each phase and command as it starts and ends. */
  readonly log: (line: string) => void;
  /** Where the commands' own output goes. */
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Aborting ends the running command's whole process group; no later command starts. */
  readonly signal?: AbortSignal | undefined;
  /** The caller's environment, of which CodeBuild's rules keep PATH, HOME and npm's network settings. */
  readonly machine?: NodeJS.ProcessEnv | undefined;
}

export interface BuildspecRun {
  readonly spec: Buildspec;
  readonly build: BuildResult;
  /** Empty when the build failed: nothing after the failed command is checked. */
  readonly checks: readonly ArtifactCheck[];
  /** The export's content key, or undefined when the commit's content-key step did not run. */
  readonly contentKey: string | undefined;
  readonly succeeded: boolean;
  readonly totalMs: number;
}

/** The commit's own bundled release step, which runs with node alone (a reusing build installs nothing). */
const bundled = (srcDir: string, script: string): string => join(srcDir, 'pipeline/release/bundled', script);

function runDeployCheck(srcDir: string): (dir: string) => Promise<{ code: number; output: string }> {
  return (dir) => {
    const result = spawnSync(process.execPath, [bundled(srcDir, 'check-deploy-inputs.js'), dir], {
      encoding: 'utf8',
    });
    return Promise.resolve({ code: result.status ?? 1, output: `${result.stdout}${result.stderr}` });
  };
}

/** The export's content key, taken as the build takes it: before anything writes into the tree. */
function contentKeyOf(srcDir: string): string | undefined {
  const result = spawnSync(process.execPath, [bundled(srcDir, 'content-key.js')], {
    cwd: srcDir,
    encoding: 'utf8',
  });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Runs the buildspec's phases on the export as CodeBuild would for the pipeline, then checks the artifacts. */
export async function runBuildspec(options: RunBuildspecOptions): Promise<BuildspecRun> {
  const started = Date.now();
  const { srcDir, commit, registry } = options;
  const contentKey = contentKeyOf(srcDir);
  const spec = parseBuildspec(readFileSync(options.buildspecFile ?? join(srcDir, 'buildspec.yml'), 'utf8'));
  // CodeBuild's precedence: the project's and the action's variables win over the buildspec's env.variables.
  const env = {
    ...spec.variables,
    ...buildEnvironment({
      commit,
      srcDir,
      region: options.region,
      repositoryUri: `${registry.host}/${REPOSITORY}`,
      binDir: options.binDir,
      buildUuid: randomUUID(),
      machine: options.machine ?? process.env,
    }),
    // CodeBuild's source has no .git anywhere above it; an export inside a repository (up's .rehearsal/)
    // must not let git find the repository around it.
    GIT_CEILING_DIRECTORIES: dirname(srcDir),
  };
  mkdirSync(options.stateDir, { recursive: true });
  const session = createShellSession({
    cwd: srcDir,
    env,
    stateDir: options.stateDir,
    stdout: options.stdout,
    stderr: options.stderr,
    pidFile: join(options.stateDir, COMMAND_PID_FILE),
  });
  const stop = (): void => session.kill();
  options.signal?.addEventListener('abort', stop, { once: true });
  let build: BuildResult;
  try {
    build = await runPhases(spec, {
      session: options.signal ? abortable(session, options.signal) : session,
      log: options.log,
      now: Date.now,
    });
  } finally {
    options.signal?.removeEventListener('abort', stop);
  }
  options.signal?.throwIfAborted();
  const checks = build.succeeded
    ? await checkArtifacts({
        spec,
        srcDir,
        registryUrl: registry.url,
        registryHost: registry.host,
        tag: commit,
        contentTag: contentKey === undefined ? undefined : `content-${contentKey}`,
        checkDeployInputs: runDeployCheck(srcDir),
      })
    : [];
  const succeeded = build.succeeded && checks.every((c) => c.ok);
  return { spec, build, checks, contentKey, succeeded, totalMs: Date.now() - started };
}

/** A session that starts no command once `signal` is aborted: the build stops at the command it was in. */
function abortable(session: CommandSession, signal: AbortSignal): CommandSession {
  return {
    ...session,
    run: (command) => (signal.aborted ? Promise.resolve(130) : session.run(command)),
  };
}
