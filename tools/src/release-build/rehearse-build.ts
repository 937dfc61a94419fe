#!/usr/bin/env node
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT, exitCodesHelp } from '../args/exit-codes';
import { writeJson } from '../terminal/json-output';
import { freePort } from '../local/free-port';
import { ensureWritableDir } from '../args/writable-dir';
import type { ArtifactCheck } from './check-artifacts';
import { startRegistry, type RunningRegistry } from './registry';
import { REPOSITORY, runBuildspec } from './run-buildspec';
import type { BuildResult } from './run-phases';
import { writeStandIns } from './stand-in-commands';

const USAGE = `Usage: npm run rehearse:build -- [--keep] [--registry DIR] [--region REGION] [--buildspec FILE] [--json]

Runs buildspec.yml as CodeBuild runs it for CodePipeline, on an export of HEAD without .git, with the
variables CodeBuild and the pipeline stack set; docker goes to podman, the image to a registry on loopback
standing in for ECR. Then checks the artifacts as the deploy stage reads them. See docs/release-build.md.

Options:
  --keep             keep the temporary folder (export, registry storage, logs) for a look afterwards
  --registry DIR     keep the stand-in registry's storage in DIR between runs, as ECR keeps images: a
                     later run finds what an earlier one pushed (a flip-only commit then reuses its image)
  --region REGION    AWS_REGION of the rehearsed build (default: $AWS_REGION or us-east-1)
  --buildspec FILE   run this buildspec instead of the commit's buildspec.yml (to try a change before
                     committing it; CI always runs the commit's own)
  --json             print the summary as JSON on stdout (the build's output goes to stderr)
  -h, --help         show this help

Environment: BASE_IMAGE (the Dockerfile's base, e.g. a local stand-in), BUILD_CA_BUNDLE (CA bundle for npm
inside the image build), CONTAINER_RUNTIME (podman's OCI runtime, default runc).

${exitCodesHelp('every phase passed and the artifacts are what the deploy stage reads', 'a phase or a check failed (the summary names it)')}`;

interface Rehearsal {
  readonly work: string;
  readonly srcDir: string;
  readonly commit: string;
  /** Aborted on Ctrl-C or SIGTERM: the running command's process group is ended. */
  readonly stop: AbortController;
  registry?: RunningRegistry;
  repositoryUri?: string;
}

/** Where progress and the text summary go: stdout, or stderr when stdout carries the JSON summary. */
let progress: NodeJS.WriteStream = process.stdout;
const out = (line: string): void => void progress.write(`${line}\n`);

/** What `--json` prints: the phases, the artifact checks and the time. */
interface BuildJson {
  readonly commit: string;
  readonly succeeded: boolean;
  readonly phases: BuildResult['phases'];
  readonly checks: readonly ArtifactCheck[];
  readonly totalMs: number;
}

/** The commit's files without .git, as CodePipeline's CODE_ZIP source output hands them to CodeBuild. */
function exportHead(repo: string, srcDir: string): string {
  const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
  mkdirSync(srcDir, { recursive: true });
  const archive = execFileSync('git', ['archive', 'HEAD'], { cwd: repo, maxBuffer: 512 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', srcDir], { input: archive });
  const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
    cwd: repo,
    encoding: 'utf8',
  });
  if (dirty.trim() !== '')
    out(`note: uncommitted changes are not part of the build: it builds commit ${commit}`);
  return commit;
}

/** Removes what the rehearsal made: the registry process, the pushed tag in local storage, the folder. */
async function cleanUp(rehearsal: Rehearsal, keep: boolean): Promise<void> {
  rehearsal.stop.abort();
  await rehearsal.registry?.stop();
  if (rehearsal.repositoryUri) {
    spawnSync('podman', ['rmi', '--force', `${rehearsal.repositoryUri}:${rehearsal.commit}`], {
      stdio: 'ignore',
    });
  }
  if (keep) out(`kept ${rehearsal.work}`);
  else rmSync(rehearsal.work, { recursive: true, force: true });
}

/** What a rehearsal that ran to the end has shown, and what no rehearsal here can show. */
const COVERED = [
  'buildspec.yml read from the commit, its phases in order in one bash session, on a tree without .git',
  "CodeBuild's variables and the pipeline stack's project and action variables",
  "the image built from the Dockerfile by the buildspec's own docker commands, pushed to a real registry",
  "the artifacts and the test report where the buildspec's artifacts and reports sections look",
  'imageDetail.json, taskdef.json and appspec.yml as the deploy stage fills and reads them',
];
const NOT_COVERED = [
  `CodeBuild's managed image and runtime-versions (Node ${process.version} ran the build here)`,
  'IAM: the project role, ECR and S3 permissions',
  'the real ECR (tag immutability, scanning, lifecycle) and the artifact and report upload',
  'the deploy itself (CodeDeploy, ECS)',
];

function summary(build: BuildResult, checks: readonly ArtifactCheck[], totalMs: number): void {
  out('\n== summary');
  for (const phase of build.phases) {
    const why = phase.failure
      ? ` (exit ${phase.failure.exitCode}: ${phase.failure.command.trim().split('\n')[0]})`
      : '';
    const seconds = (phase.durationMs / 1000).toFixed(1).padStart(6);
    out(`  phase ${phase.name.padEnd(10)} ${phase.status.padEnd(9)} ${seconds} s${why}`);
  }
  for (const c of checks) out(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.what}: ${c.detail}`);
  out(`  total ${(totalMs / 1000).toFixed(1)} s`);
  if (build.succeeded && checks.every((c) => c.ok)) {
    out('  checked:');
    for (const line of COVERED) out(`    - ${line}`);
  } else {
    out('  the build failed: nothing after the failed command was checked');
  }
  out('  never checked here:');
  for (const line of NOT_COVERED) out(`    - ${line}`);
}

interface RehearseOptions {
  readonly region: string;
  readonly buildspecFile?: string | undefined;
  /** Where the registry keeps its storage; @default a folder of the rehearsal's own, removed at the end */
  readonly registryDir?: string | undefined;
}

async function rehearse(rehearsal: Rehearsal, options: RehearseOptions): Promise<BuildJson> {
  const { buildspecFile } = options;
  const started = Date.now();
  const registryDir = options.registryDir ?? join(rehearsal.work, 'registry');
  mkdirSync(registryDir, { recursive: true });
  rehearsal.registry = await startRegistry(registryDir, await freePort());
  out(
    `registry: docker-registry on ${rehearsal.registry.url} (pid ${rehearsal.registry.pid}) stands in for ECR${options.registryDir ? `, its storage kept in ${registryDir}` : ''}`,
  );
  rehearsal.repositoryUri = `${rehearsal.registry.host}/${REPOSITORY}`;
  const binDir = join(rehearsal.work, 'bin');
  writeStandIns({
    binDir,
    registryUrl: rehearsal.registry.url,
    awsStandInScript: join(__dirname, 'aws-stand-in.js'),
    baseImage: process.env.BASE_IMAGE,
    caBundle: process.env.BUILD_CA_BUNDLE || undefined,
    runtime: process.env.CONTAINER_RUNTIME,
    authFile: join(rehearsal.work, 'auth.json'),
    pushedDir: join(rehearsal.work, 'pushed'),
  });
  if (buildspecFile) out(`buildspec: ${buildspecFile}, not the commit's buildspec.yml`);
  out(
    `build: commit ${rehearsal.commit} in ${rehearsal.srcDir} as uid ${process.getuid?.() ?? '?'}${process.getuid?.() === 0 ? ' (root, as CodeBuild)' : ' (CodeBuild runs as root)'}`,
  );
  const run = await runBuildspec({
    srcDir: rehearsal.srcDir,
    commit: rehearsal.commit,
    stateDir: join(rehearsal.work, 'session'),
    binDir,
    registry: rehearsal.registry,
    region: options.region,
    buildspecFile,
    log: out,
    stdout: progress,
    stderr: process.stderr,
    signal: rehearsal.stop.signal,
  });
  const totalMs = Date.now() - started;
  summary(run.build, run.checks, totalMs);
  return {
    commit: rehearsal.commit,
    succeeded: run.succeeded,
    phases: run.build.phases,
    checks: run.checks,
    totalMs,
  };
}

/** Runs the rehearsal; returns the exit code its help states. */
export async function main(argv: readonly string[]): Promise<number> {
  let values: {
    keep?: boolean;
    registry?: string;
    region?: string;
    buildspec?: string;
    json?: boolean;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        keep: { type: 'boolean' },
        registry: { type: 'string' },
        region: { type: 'string' },
        buildspec: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (values.help) {
    out(USAGE);
    return EXIT.ok;
  }
  if (values.registry !== undefined) {
    // Refused before anything is exported or started, as a report folder that cannot be written is.
    try {
      await ensureWritableDir(resolve(values.registry), '--registry');
    } catch (error) {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
      return EXIT.usage;
    }
  }
  if (values.json) progress = process.stderr;
  const repo = resolve(process.cwd());
  const work = mkdtempSync(join(tmpdir(), 'release-build-'));
  const srcDir = join(work, 'src');
  const rehearsal: Rehearsal = {
    work,
    srcDir,
    commit: exportHead(repo, srcDir),
    stop: new AbortController(),
  };
  const stop = (signal: NodeJS.Signals): void => {
    out(`\n${signal}: stopping the build and the registry`);
    void cleanUp(rehearsal, values.keep ?? false).finally(() =>
      process.exit(signal === 'SIGINT' ? EXIT.interrupted : 143),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const buildspec = values.buildspec === undefined ? undefined : resolve(values.buildspec);
    const result = await rehearse(rehearsal, {
      region: values.region ?? process.env.AWS_REGION ?? 'us-east-1',
      buildspecFile: buildspec,
      registryDir: values.registry === undefined ? undefined : resolve(values.registry),
    });
    if (values.json) writeJson(process.stdout, result);
    return result.succeeded ? EXIT.ok : EXIT.failed;
  } finally {
    await cleanUp(rehearsal, values.keep ?? false);
  }
}

/** Runs the rehearsal as this process: its exit code is the rehearsal's. */
export function runRehearseBuild(argv: readonly string[]): void {
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

if (require.main === module) runRehearseBuild(process.argv.slice(2));
