#!/usr/bin/env node
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { settings } from '../../../contract/settings';
import { parseCommandArgs, UsageError } from '../args/parse-command-args';
import { runGit } from '../git/run-git';
import { freePort } from '../local/free-port';
import { copyBuildContext } from './build-context';
import { parseDockerfile } from './dockerfile';
import {
  buildImage,
  ContainerEngineError,
  detectEngine,
  engineCommand,
  imageExists,
  inspectImage,
  removeImage,
  runContainer,
  type ContainerHandle,
  type Engine,
  type ImageInfo,
} from './engine';

const HELP = `Usage: npm run test:container -- [options]

Builds the image from a copy of the repository (cold, --no-cache), runs it and checks it, then rebuilds
after a source-only change and prints sizes and build times. Works with docker or podman.

Options:
  --context DIR   repository to build (default: the current directory)
  --keep-image    keep the built image (tag localhost/rollback-rehearsal:container-test)
  -h, --help      show this help

Environment:
  BASE_IMAGE         base image build argument (default: the Dockerfile's, the official Node 24 slim image)
  BUILD_CA_BUNDLE    CA bundle passed to npm ci as a build secret (only behind a TLS-intercepting proxy)
  CONTAINER_ENGINE   docker or podman (default: whichever works, docker first)
  CONTAINER_RUNTIME  podman's OCI runtime (default: runc when installed)
  CONTAINER_NETWORK  network for builds and containers (default: host for podman)`;

const IMAGE = 'localhost/rollback-rehearsal';
const COLD_TAG = `${IMAGE}:container-test`;
const WARM_TAG = `${IMAGE}:container-test-warm`;
const REBUILD_TAG = `${IMAGE}:container-test-rebuild`;
/** The file the rebuild changes: any service source works, the entry is the one that surely exists. */
const CHANGED_SOURCE = path.join('app', 'src', 'server.ts');
/** Printed targets, not asserted: timings depend on the machine. */
const TARGET_APP_MB = 40;
const TARGET_REBUILD_SPEEDUP = 3;

interface Deps {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

interface HttpAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

function get(url: string, agent?: http.Agent): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent, timeout: 5_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url} timed out`)));
    request.on('error', reject);
  });
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Counts checks and prints one line per check; the exit code follows the failures. */
class Checks {
  failures = 0;
  constructor(private readonly out: Writable) {}

  check(ok: boolean, what: string, detail = ''): boolean {
    if (!ok) this.failures += 1;
    this.out.write(`${ok ? 'ok  ' : 'FAIL'}  ${what}${detail ? `: ${detail}` : ''}\n`);
    return ok;
  }

  info(line: string): void {
    this.out.write(`      ${line}\n`);
  }
}

async function commitOf(repo: string): Promise<string> {
  const result = await runGit(['rev-parse', 'HEAD'], repo);
  return result.code === 0 ? result.stdout.trim() : `container-test-${Date.now().toString(36)}`;
}

function checkImageConfig(checks: Checks, info: ImageInfo, version: string): void {
  const uid = Number(info.user.split(':')[0]);
  checks.check(
    /^\d+(:\d+)?$/.test(info.user) && uid === settings.image.uid,
    'image config User is the numeric non-root settings.image.uid',
    `User=${info.user}`,
  );
  checks.check(
    info.workdir === settings.image.workdir,
    'image WorkingDir is settings.image.workdir',
    info.workdir,
  );
  const start = [...info.entrypoint, ...info.cmd];
  checks.check(
    JSON.stringify(start) === JSON.stringify(['node', settings.image.entry]),
    'image starts node on the service entry, in exec form',
    JSON.stringify(start),
  );
  checks.check(
    info.env.APP_VERSION === version,
    'APP_VERSION is baked into the environment',
    info.env.APP_VERSION ?? 'unset',
  );
  const labels = info.labels;
  checks.check(
    labels['org.opencontainers.image.revision'] === version &&
      labels['org.opencontainers.image.version'] === version &&
      (labels['org.opencontainers.image.source'] ?? '') !== '',
    'OCI labels revision, version and source are set',
    `revision=${labels['org.opencontainers.image.revision']} source=${labels['org.opencontainers.image.source']}`,
  );
  checks.check(
    JSON.stringify(info.healthcheck) === JSON.stringify(['CMD', 'node', settings.image.healthcheckEntry]),
    'HEALTHCHECK runs node on the health-check entry',
    JSON.stringify(info.healthcheck),
  );
}

async function checkServing(checks: Checks, container: ContainerHandle, version: string): Promise<void> {
  const readyMs = await container.waitUntilHealthy();
  checks.info(
    `read-only container answered ${settings.container.healthPath} after ${Math.round(readyMs)} ms`,
  );
  const health = await get(`${container.url}${settings.container.healthPath}`);
  checks.check(
    health.status === 200,
    `GET ${settings.container.healthPath} answers 200`,
    `${health.status} ${health.body}`,
  );
  const home = await get(`${container.url}/`);
  let shown: unknown;
  try {
    shown = (JSON.parse(home.body) as { version?: unknown }).version;
  } catch {
    shown = undefined;
  }
  checks.check(
    home.status === 200 && shown === version && home.headers['x-app-version'] === version,
    'GET / answers 200 with the baked APP_VERSION in the body and x-app-version',
    `${home.status} version=${String(shown)} x-app-version=${String(home.headers['x-app-version'])}`,
  );
}

async function checkInside(
  checks: Checks,
  engine: Engine,
  container: ContainerHandle,
  info: ImageInfo,
): Promise<void> {
  const id = await container.exec(['id', '-u']);
  const uid = id.stdout.trim();
  checks.check(
    id.code === 0 && uid === String(settings.image.uid) && uid !== '0',
    '`id -u` inside is the non-root uid',
    uid || id.stderr.trim(),
  );

  const write = await container.exec(['node', '-e', "require('fs').writeFileSync('/app/probe', 'x')"]);
  checks.check(
    write.code !== 0 && /EROFS|read-only/i.test(write.stderr),
    'the root filesystem is read-only (writing /app fails)',
    write.code === 0
      ? 'the write succeeded'
      : (write.stderr.match(/EROFS[^\n]*/)?.[0] ?? write.stderr.trim().split('\n')[0] ?? ''),
  );

  const command = info.healthcheck?.[0] === 'CMD' ? info.healthcheck.slice(1) : undefined;
  if (!command) {
    checks.check(false, 'the HEALTHCHECK command can be run', 'the image has no exec-form HEALTHCHECK');
    return;
  }
  const healthy = await container.exec(command);
  checks.check(
    healthy.code === 0,
    'the HEALTHCHECK command exits 0 while the service is healthy',
    `exit ${healthy.code}`,
  );
  // Pointed at a port nothing listens on, the same command must fail: it really asks the service.
  const wrong = await container.exec(command, { PORT: '1' });
  checks.check(
    wrong.code !== 0,
    'the HEALTHCHECK command fails when /health does not answer',
    `exit ${wrong.code} ${wrong.stderr.trim()}`,
  );
  if (engine.kind === 'podman') {
    const run = await engineCommand(engine, ['healthcheck', 'run', container.name]);
    checks.check(
      run.code === 0,
      '`podman healthcheck run` reports healthy',
      `exit ${run.code} ${run.stdout.trim()}`,
    );
  }
}

async function checkSigterm(checks: Checks, container: ContainerHandle): Promise<void> {
  // An idle keep-alive connection is what makes a plain server.close() hang; shutdown must close it.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await get(`${container.url}/`, agent);
    const stop = await container.stop();
    const deadline = settings.shutdown.deadlineMs;
    checks.check(
      stop.code === 0 && !stop.forced && stop.elapsedMs < deadline,
      `SIGTERM with an idle keep-alive connection open stops it with exit code 0 within ${seconds(deadline)}`,
      `exit ${stop.code}, ${Math.round(stop.elapsedMs)} ms${stop.forced ? ', needed SIGKILL' : ''}`,
    );
  } finally {
    agent.destroy();
  }
}

async function checkStartupCrash(
  checks: Checks,
  engine: Engine,
  image: string,
  hostPort: number,
): Promise<void> {
  const crash = await runContainer({
    engine,
    image,
    name: 'container-test-startup-crash',
    hostPort,
    env: { FAULTS: 'startup-crash' },
  });
  try {
    const exit = await crash.waitForExit(30_000);
    // 125-127 are the engine's own failures (bad image, command not found), not the service's exit.
    checks.check(
      exit !== undefined && exit.code !== null && exit.code !== 0 && (exit.code < 125 || exit.code > 127),
      'FAULTS=startup-crash exits non-zero before listening',
      exit ? `exit ${exit.code}; last line: ${crash.lastOutput(1)}` : 'still running after 30 s',
    );
  } finally {
    await crash.remove();
  }
}

/**
 * Every image id now in the store. Images that appear while the test runs and carry no tag are the
 * build's intermediate stages (podman keeps them as its cache), removed at the end so repeated cold builds
 * do not fill the disk. A build running beside this test may lose cache entries that way, never an image
 * in use: the engine refuses to remove those.
 */
async function listImageIds(engine: Engine): Promise<Set<string>> {
  const listed = await engineCommand(engine, ['images', '--all', '--quiet', '--no-trunc']);
  return new Set(
    listed.stdout
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== ''),
  );
}

async function removeNewUntagged(
  engine: Engine,
  before: Set<string>,
  keep: readonly string[],
): Promise<void> {
  const keepIds = new Set<string>();
  for (const tag of keep)
    if (await imageExists(engine, tag)) keepIds.add((await inspectImage(engine, tag)).id);
  const dangling = await engineCommand(engine, [
    'images',
    '--all',
    '--quiet',
    '--no-trunc',
    '--filter',
    'dangling=true',
  ]);
  const created = dangling.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter(
      (id) => id !== '' && !before.has(id) && !keepIds.has(id) && !keepIds.has(id.replace(/^sha256:/, '')),
    );
  if (created.length > 0) await engineCommand(engine, ['image', 'rm', ...created]);
}

async function run(deps: Deps, options: { context: string; keepImage: boolean }): Promise<number> {
  const { stdout, env } = deps;
  const checks = new Checks(stdout);
  const repo = path.resolve(deps.cwd, options.context);
  if (!existsSync(path.join(repo, 'Dockerfile')))
    throw new UsageError(`No Dockerfile in ${repo}`, '--context');

  const engine = await detectEngine(env);
  const engineFlags = [
    engine.runtime ? `runtime ${engine.runtime}` : '',
    engine.network ? `network ${engine.network}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  stdout.write(`container engine: ${engine.kind}${engineFlags ? ` (${engineFlags})` : ''}\n`);

  const defaultBase = parseDockerfile(readFileSync(path.join(repo, 'Dockerfile'), 'utf8')).globalArgs
    .BASE_IMAGE;
  const baseImage = env.BASE_IMAGE?.trim() || undefined;
  const base = baseImage ?? defaultBase ?? '';
  const caBundle = env.BUILD_CA_BUNDLE?.trim() || undefined;
  if (caBundle && !existsSync(caBundle)) throw new UsageError(`BUILD_CA_BUNDLE=${caBundle} does not exist`);
  stdout.write(`base image: ${base}${baseImage ? ' (BASE_IMAGE)' : ' (Dockerfile default)'}\n`);
  if (caBundle) stdout.write(`npm CA bundle: ${caBundle} (build secret npm_ca)\n`);

  const version = await commitOf(repo);
  const nextVersion = `${version.slice(0, 12)}-next`;
  const imagesBefore = await listImageIds(engine);
  const context = copyBuildContext(repo);
  const containers: ContainerHandle[] = [];
  try {
    stdout.write('building (cold, --no-cache)...\n');
    const cold = await buildImage({
      engine,
      tag: COLD_TAG,
      appVersion: version,
      baseImage,
      caBundle,
      context: context.dir,
      noCache: true,
    });
    checks.check(true, 'image builds from a clean cache', `${seconds(cold.durationMs)}`);
    const info = await inspectImage(engine, COLD_TAG);
    checkImageConfig(checks, info, version);

    const hostPort = await freePort();
    const main = await runContainer({
      engine,
      image: COLD_TAG,
      name: 'container-test-service',
      hostPort,
      readOnly: true,
    });
    containers.push(main);
    await checkServing(checks, main, version);
    await checkInside(checks, engine, main, info);
    await checkSigterm(checks, main);
    await checkStartupCrash(checks, engine, COLD_TAG, hostPort);

    const baseInfo = (await imageExists(engine, base)) ? await inspectImage(engine, base) : undefined;
    stdout.write(`image size: ${mb(info.sizeBytes)}\n`);
    if (baseInfo) {
      const added = info.sizeBytes - baseInfo.sizeBytes;
      stdout.write(
        `base size: ${mb(baseInfo.sizeBytes)}; the application adds ${mb(added)} (target < ${TARGET_APP_MB} MB: ${added < TARGET_APP_MB * 1e6 ? 'met' : 'NOT met'})\n`,
      );
    } else {
      stdout.write(`base size: unknown (${base} is not in the local image store)\n`);
    }

    // A cached build of the unchanged context first: with several cached candidates for a step, podman may
    // pick an older one than the cold build just made, so layers are compared between two cached builds.
    stdout.write('building again with the cache, nothing changed...\n');
    const warm = await buildImage({
      engine,
      tag: WARM_TAG,
      appVersion: version,
      baseImage,
      caBundle,
      context: context.dir,
    });
    const before = await inspectImage(engine, WARM_TAG);

    // The next commit: one source file and the version change, the manifests do not.
    appendFileSync(
      path.join(context.dir, CHANGED_SOURCE),
      `\n// container-test rebuild probe ${Date.now()}\n`,
    );
    stdout.write(`rebuilding after a change to ${CHANGED_SOURCE} only...\n`);
    const rebuild = await buildImage({
      engine,
      tag: REBUILD_TAG,
      appVersion: nextVersion,
      baseImage,
      caBundle,
      context: context.dir,
    });
    const after = await inspectImage(engine, REBUILD_TAG);
    const changed = after.layers.filter((layer, index) => layer !== before.layers[index]).length;
    checks.check(
      after.layers.length === before.layers.length &&
        changed === 1 &&
        after.layers.at(-1) !== before.layers.at(-1),
      'a source-only change replaces only the top layer (dependencies are not reinstalled)',
      `${after.layers.length} layers, ${changed} changed`,
    );
    stdout.write(`build time with nothing changed: ${seconds(warm.durationMs)}\n`);
    const ratio = cold.durationMs / rebuild.durationMs;
    stdout.write(
      `build time: cold ${seconds(cold.durationMs)}, source-only rebuild ${seconds(rebuild.durationMs)}, ` +
        `${ratio.toFixed(1)}x faster (target >= ${TARGET_REBUILD_SPEEDUP}x: ${ratio >= TARGET_REBUILD_SPEEDUP ? 'met' : 'NOT met'})\n`,
    );
  } finally {
    for (const container of containers) await container.remove();
    context.dispose();
    await removeImage(engine, WARM_TAG);
    await removeImage(engine, REBUILD_TAG);
    if (!options.keepImage) await removeImage(engine, COLD_TAG);
    await removeNewUntagged(engine, imagesBefore, options.keepImage ? [COLD_TAG] : []);
  }

  stdout.write(
    checks.failures === 0
      ? 'container test passed\n'
      : `container test FAILED: ${checks.failures} check(s)\n`,
  );
  return checks.failures === 0 ? 0 : 1;
}

/** The container test's command line; returns the exit code (0 passed, 1 failed, 2 usage). */
export async function main(argv: readonly string[], deps: Deps): Promise<number> {
  try {
    const { values } = parseCommandArgs(
      argv,
      {
        context: { type: 'string', default: '.' },
        'keep-image': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      false,
    );
    if (values.help) {
      deps.stdout.write(`${HELP}\n`);
      return 0;
    }
    return await run(deps, { context: values.context, keepImage: values['keep-image'] });
  } catch (error) {
    if (error instanceof UsageError) {
      deps.stderr.write(`${error.message}\n\n${HELP}\n`);
      return 2;
    }
    if (error instanceof ContainerEngineError) {
      deps.stderr.write(`container test FAILED: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

if (require.main === module) {
  main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `container test FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
