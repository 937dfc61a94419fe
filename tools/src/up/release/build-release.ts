import { execFileSync } from 'node:child_process';
import {
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  type WriteStream,
} from 'node:fs';
import path from 'node:path';
import { lookUpManifest } from '../../release-build/registry';
import { endLeftProcess } from '../../process/left-process';
import {
  type BuildspecRun,
  COMMAND_PID_FILE,
  REPOSITORY,
  runBuildspec,
} from '../../release-build/run-buildspec';
import { UP_STATE_FOLDER } from '../instance-lock';
import { startContainerStandIns } from './container-stand-ins';
import { exportCommit, triggerSkips } from './export-commit';
import { startFolderStandIns } from './folder-stand-ins';
import type { BuiltRelease, PushedCommit, ReleaseBuilderOptions, RunnableImage } from './types';

/*
 * One push through the pipeline's Source and Build stages: the trigger's file filter, an export of the
 * commit without .git, and the commit's own buildspec.yml run as `npm run rehearse:build` runs it
 * (tools/src/release-build/run-buildspec.ts), the content key's image reuse included. Each build has a
 * folder under `.rehearsal/builds/`: its log and the release files stay, the export (with its node_modules)
 * goes when the build ends. npm's cache is the user's (~/.npm, HOME is kept), as CodeBuild's cache section
 * keeps /root/.npm between builds.
 */

/** The registry and the `docker`/`aws` commands of one build, with or without containers. */
interface ImageStandIns {
  readonly registry: { readonly url: string; readonly host: string };
  /** What the deploys run for the released image. */
  runnable(imageUri: string): Promise<RunnableImage>;
  stop(): Promise<void>;
}

/** The region the rehearsed build runs in: the stand-ins answer for any. */
const REGION = 'us-east-1';

/** A compiled program of the release build, beside this file once compiled (Jest runs the sources). */
function compiled(dir: string, name: string): string {
  const beside = path.join(dir, name);
  const marker = `${path.sep}tools${path.sep}src${path.sep}`;
  const at = beside.lastIndexOf(marker);
  return __filename.endsWith('.ts') && at >= 0
    ? `${beside.slice(0, at)}${path.sep}dist${beside.slice(at)}`
    : beside;
}

function startStandIns(
  container: boolean,
  dirs: { stateDir: string; workDir: string; binDir: string },
): Promise<ImageStandIns> {
  const releaseBuildDir = path.join(__dirname, '../../release-build');
  const script = (name: string): string =>
    name === 'aws-stand-in.js' ? compiled(releaseBuildDir, name) : compiled(__dirname, name);
  return container ? startContainerStandIns({ ...dirs, script }) : startFolderStandIns({ ...dirs, script });
}

const firstLine = (command: string): string => command.trim().split('\n')[0] ?? '';

/** Why a build failed: the phase and command, or the artifact check. */
function failureDetail(run: BuildspecRun, logFile: string): string {
  const phase = run.build.phases.find((p) => p.failure !== undefined);
  if (phase?.failure) {
    return `Build failed in phase ${phase.name}: \`${firstLine(phase.failure.command)}\` exited ${phase.failure.exitCode} (log: ${logFile})`;
  }
  const check = run.checks.find((c) => !c.ok);
  return `Build failed a check of its artifacts: ${check?.what ?? '?'}: ${check?.detail ?? '?'} (log: ${logFile})`;
}

/** The digest of the image the content key's tag names before the build, if the registry holds one. */
async function contentKeyImage(registryUrl: string, srcDir: string): Promise<string | undefined> {
  const keyFile = path.join(srcDir, 'pipeline/release/bundled/content-key.js');
  if (!existsSync(keyFile)) return undefined;
  try {
    const key = execFileSync(process.execPath, [keyFile], { cwd: srcDir, encoding: 'utf8' }).trim();
    const found = await lookUpManifest(registryUrl, REPOSITORY, `content-${key}`);
    return found.kind === 'found' ? found.digest : undefined;
  } catch {
    return undefined;
  }
}

function openLog(
  file: string,
  log: (line: string) => void,
): { stream: WriteStream; line: (text: string) => void } {
  const stream = createWriteStream(file, { flags: 'a' });
  return {
    stream,
    line: (text) => {
      stream.write(`${text}\n`);
      log(text);
    },
  };
}

/** Scratch a build removes when it ends: what an `up` killed mid-build left behind goes before the next one. */
const SCRATCH = ['src', 'session', 'engine'];

function removeScratch(buildsDir: string): void {
  if (!existsSync(buildsDir)) return;
  for (const build of readdirSync(buildsDir)) {
    // A command of that build may still run (npm, jest): its command line names the session folder.
    const session = path.join(buildsDir, build, 'session');
    endLeftProcess(path.join(session, COMMAND_PID_FILE), session, true);
    for (const scratch of SCRATCH)
      rmSync(path.join(buildsDir, build, scratch), { recursive: true, force: true });
  }
}

const closeLog = (stream: WriteStream): Promise<void> =>
  new Promise((resolve) => stream.end(() => resolve()));

/**
 * Takes `push` through Source and Build as CodePipeline would. Resolves with outcome `skipped` (the trigger
 * filters the push out), `failed` (a command or an artifact check failed; the detail names it) or `released`
 * (the release files and the image). Rejects with the signal's reason when `options.signal` aborts: the
 * running command's process group is ended and the registry stopped first.
 */
export async function buildRelease(
  push: PushedCommit,
  options: ReleaseBuilderOptions,
): Promise<BuiltRelease> {
  const sourceStarted = Date.now();
  const stateDir = path.join(path.resolve(options.repoRoot), UP_STATE_FOLDER);
  const remoteDir = path.join(stateDir, 'remote.git');
  const stamp = new Date(push.receivedAt).toISOString().replace(/[-:.]/g, '');
  const workDir = path.join(stateDir, 'builds', `${stamp}-${push.commit.slice(0, 12)}`);
  // One build at a time (QUEUED): whatever scratch exists is a killed build's.
  removeScratch(path.join(stateDir, 'builds'));
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const logFile = path.join(workDir, 'build.log');
  const { stream, line } = openLog(logFile, options.log);
  const base = { commit: push.commit, logFile, reused: false };
  const srcDir = path.join(workDir, 'src');
  let standIns: ImageStandIns | undefined;
  try {
    const skipped = await triggerSkips(remoteDir, push.before, push.commit, options.signal);
    if (skipped !== undefined) {
      line(`Source: ${skipped}`);
      return {
        ...base,
        outcome: 'skipped',
        detail: skipped,
        sourceMs: Date.now() - sourceStarted,
        buildMs: 0,
      };
    }
    await exportCommit(remoteDir, push.commit, srcDir, options.signal);
    const sourceMs = Date.now() - sourceStarted;
    line(`Source: ${push.commit} exported without .git in ${(sourceMs / 1000).toFixed(1)} s`);
    const buildStarted = Date.now();
    const binDir = path.join(workDir, 'bin');
    standIns = await startStandIns(options.container, { stateDir, workDir, binDir });
    const reusable = await contentKeyImage(standIns.registry.url, srcDir);
    const run = await runBuildspec({
      srcDir,
      commit: push.commit,
      stateDir: path.join(workDir, 'session'),
      binDir,
      registry: standIns.registry,
      region: REGION,
      log: line,
      stdout: stream,
      stderr: stream,
      signal: options.signal,
    });
    const buildMs = Date.now() - buildStarted;
    if (!run.succeeded) {
      const detail = failureDetail(run, logFile);
      line(detail);
      return { ...base, outcome: 'failed', detail, sourceMs, buildMs };
    }
    const releaseDir = path.join(workDir, 'release');
    for (const file of run.spec.artifacts.files) {
      cpSync(path.join(srcDir, run.spec.artifacts.baseDirectory, file), path.join(releaseDir, file));
    }
    const uri = (
      JSON.parse(readFileSync(path.join(releaseDir, 'imageDetail.json'), 'utf8')) as { ImageURI: string }
    ).ImageURI;
    const digest = uri.slice(uri.lastIndexOf('@') + 1);
    const runnable = await standIns.runnable(uri);
    const reused = reusable === digest;
    const detail = reused
      ? `reused ${digest}, the image of content key ${run.contentKey ?? '?'}: no npm ci, lint, type check, tests or image build`
      : `built and pushed ${digest}`;
    line(`Build: ${detail} in ${(buildMs / 1000).toFixed(1)} s`);
    return {
      ...base,
      outcome: 'released',
      detail,
      releaseDir,
      image: { digest, uri, runnable },
      reused,
      sourceMs,
      buildMs,
    };
  } finally {
    await standIns?.stop();
    for (const scratch of SCRATCH) rmSync(path.join(workDir, scratch), { recursive: true, force: true });
    await closeLog(stream);
  }
}
