/*
 * The real image, built cold from a copy of the repository with docker or podman, run and checked; then
 * rebuilt after a source-only change. Run by `npm run test:container`, not by `npm test` (it needs a
 * container engine). Environment: CONTAINER_ENGINE (docker | podman), CONTAINER_RUNTIME, CONTAINER_NETWORK,
 * BASE_IMAGE (the base image build argument), BUILD_CA_BUNDLE (npm's CA bundle as a build secret, only
 * behind a TLS-intercepting proxy), KEEP_IMAGE=1 to keep localhost/rollback-rehearsal:container-test.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { settings } from '../../../contract/settings';
import {
  buildImage,
  detectEngine,
  engineCommand,
  imageExists,
  inspectImage,
  removeImage,
  runContainer,
  type BuildImageOptions,
  type BuiltImage,
  type ContainerHandle,
  type Engine,
  type ImageInfo,
} from '../../src/container/engine';
import { runGit } from '../../src/git/run-git';
import { freePort } from '../../src/local/free-port';
import { copyBuildContext, type BuildContextCopy } from './support/build-context';
import { parseDockerfile } from './support/dockerfile';
import { get } from './support/http-get';
import { listImageIds, removeNewUntagged } from './support/image-cleanup';

const REPO = path.join(__dirname, '../../..');
const IMAGE = 'localhost/rollback-rehearsal';
const COLD_TAG = `${IMAGE}:container-test`;
const WARM_TAG = `${IMAGE}:container-test-warm`;
const REBUILD_TAG = `${IMAGE}:container-test-rebuild`;
/** The file the rebuild changes: any service source works, the entry is the one that surely exists. */
const CHANGED_SOURCE = path.join('app', 'src', 'server.ts');
/** Printed targets, not asserted: sizes and timings depend on the machine. */
const TARGET_APP_MB = 40;
const TARGET_REBUILD_SPEEDUP = 3;
const BUILD_TIMEOUT_MS = 15 * 60_000;

const env = process.env;
const baseImage = env.BASE_IMAGE?.trim() || undefined;
const caBundle = env.BUILD_CA_BUNDLE?.trim() || undefined;
const figures: string[] = [];
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

let engine: Engine;
let context: BuildContextCopy;
let imagesBefore: Set<string>;
let version: string;
let cold: BuiltImage;
let info: ImageInfo;
let service: ContainerHandle | undefined;

const build = (
  tag: string,
  appVersion: string,
  extra: Partial<BuildImageOptions> = {},
): Promise<BuiltImage> =>
  buildImage({ engine, tag, appVersion, baseImage, caBundle, context: context.dir, ...extra });

async function commitOf(repo: string): Promise<string> {
  const result = await runGit(['rev-parse', 'HEAD'], repo);
  return result.code === 0 ? result.stdout.trim() : `container-test-${Date.now().toString(36)}`;
}

beforeAll(async () => {
  if (caBundle && !existsSync(caBundle)) throw new Error(`BUILD_CA_BUNDLE=${caBundle} does not exist`);
  engine = await detectEngine(env);
  figures.push(`container engine: ${engine.kind}${engine.runtime ? ` (runtime ${engine.runtime})` : ''}`);
  version = await commitOf(REPO);
  imagesBefore = await listImageIds(engine);
  context = copyBuildContext(REPO);
  cold = await build(COLD_TAG, version, { noCache: true });
  figures.push(`cold build: ${seconds(cold.durationMs)}`);
  info = await inspectImage(engine, COLD_TAG);
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await service?.remove();
  context?.dispose();
  if (engine) {
    await removeImage(engine, WARM_TAG);
    await removeImage(engine, REBUILD_TAG);
    if (env.KEEP_IMAGE !== '1') await removeImage(engine, COLD_TAG);
    await removeNewUntagged(engine, imagesBefore, env.KEEP_IMAGE === '1' ? [COLD_TAG] : []);
  }
  process.stdout.write(`\n${figures.join('\n')}\n`);
}, 120_000);

describe('the image configuration', () => {
  it('runs as the numeric non-root settings.image.uid', () => {
    expect(info.user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(info.user.split(':')[0])).toBe(settings.image.uid);
  });

  it('works in settings.image.workdir and starts node on the service entry, in exec form', () => {
    expect(info.workdir).toBe(settings.image.workdir);
    expect([...info.entrypoint, ...info.cmd]).toEqual(['node', settings.image.entry]);
  });

  it('bakes APP_VERSION into the environment and the OCI labels', () => {
    expect(info.env.APP_VERSION).toBe(version);
    expect(info.labels['org.opencontainers.image.revision']).toBe(version);
    expect(info.labels['org.opencontainers.image.version']).toBe(version);
    expect(info.labels['org.opencontainers.image.source']).toMatch(/\S/);
  });

  it('has a HEALTHCHECK that runs node on the health-check entry', () => {
    expect(info.healthcheck).toEqual(['CMD', 'node', settings.image.healthcheckEntry]);
  });

  it('reports its size and what the application adds to the base', async () => {
    const base =
      baseImage ?? parseDockerfile(readFileSync(path.join(REPO, 'Dockerfile'), 'utf8')).globalArgs.BASE_IMAGE;
    expect(info.sizeBytes).toBeGreaterThan(0);
    figures.push(`image size: ${mb(info.sizeBytes)}`);
    if (base && (await imageExists(engine, base))) {
      const added = info.sizeBytes - (await inspectImage(engine, base)).sizeBytes;
      figures.push(`the application adds ${mb(added)} to ${base} (target < ${TARGET_APP_MB} MB)`);
    }
  });
});

describe('a read-only container of the image', () => {
  beforeAll(async () => {
    service = await runContainer({
      engine,
      image: COLD_TAG,
      name: 'container-test-service',
      hostPort: await freePort(),
      metricsHostPort: await freePort(),
      readOnly: true,
    });
    figures.push(`ready after ${Math.round(await service.waitUntilHealthy())} ms`);
  }, 60_000);

  it(`answers ${settings.container.healthPath} with 200`, async () => {
    expect((await get(`${service!.url}${settings.container.healthPath}`)).status).toBe(200);
  });

  it('answers GET / with the baked version in the body and in x-app-version', async () => {
    const home = await get(`${service!.url}/`);
    expect(home.status).toBe(200);
    expect((JSON.parse(home.body) as { version?: unknown }).version).toBe(version);
    expect(home.headers['x-app-version']).toBe(version);
  });

  it(`serves ${settings.container.metricsPath} on the metrics listener only, never on the service port`, async () => {
    const { metricsPath } = settings.container;
    const scrape = await get(`${service!.metricsUrl}${metricsPath}`);
    expect(scrape.status).toBe(200);
    expect(scrape.body).toContain(`app_info{version="${version}"} 1`);
    expect((await get(`${service!.url}${metricsPath}`)).status).toBe(404);
  });

  it('runs as the non-root uid inside', async () => {
    const id = await service!.exec(['id', '-u']);
    expect({ code: id.code, uid: id.stdout.trim() }).toEqual({ code: 0, uid: String(settings.image.uid) });
  });

  it('has a read-only root filesystem', async () => {
    const write = await service!.exec(['node', '-e', "require('fs').writeFileSync('/app/probe', 'x')"]);
    expect(write.code).not.toBe(0);
    expect(write.stderr).toMatch(/EROFS|read-only/i);
  });

  it('passes its HEALTHCHECK while healthy and fails it when /health does not answer', async () => {
    const command = info.healthcheck!.slice(1);
    expect((await service!.exec(command)).code).toBe(0);
    // Pointed at a port nothing listens on, the same command must fail: it really asks the service.
    expect((await service!.exec(command, { PORT: '1' })).code).not.toBe(0);
    if (engine.kind === 'podman')
      expect((await engineCommand(engine, ['healthcheck', 'run', service!.name])).code).toBe(0);
  });

  it('stops on SIGTERM with exit code 0 within the shutdown deadline, an idle keep-alive socket open', async () => {
    // An idle keep-alive connection is what makes a plain server.close() hang; shutdown must close it.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      await get(`${service!.url}/`, agent);
      const stop = await service!.stop();
      expect({ code: stop.code, forced: stop.forced }).toEqual({ code: 0, forced: false });
      expect(stop.elapsedMs).toBeLessThan(settings.shutdown.deadlineMs);
    } finally {
      agent.destroy();
    }
  });
});

describe('FAULTS=startup-crash', () => {
  it('exits non-zero before listening, with the service exit code rather than the engine one', async () => {
    const crash = await runContainer({
      engine,
      image: COLD_TAG,
      name: 'container-test-startup-crash',
      hostPort: await freePort(),
      metricsHostPort: await freePort(),
      env: { FAULTS: 'startup-crash' },
    });
    try {
      const exit = await crash.waitForExit(30_000);
      // 125-127 are the engine's own failures (bad image, command not found), not the service's exit.
      expect(exit?.code).toEqual(expect.any(Number));
      expect([0, 125, 126, 127]).not.toContain(exit?.code);
    } finally {
      await crash.remove();
    }
  }, 60_000);
});

describe('a rebuild after a source-only change', () => {
  it(
    'replaces only the top layer: dependencies are not reinstalled',
    async () => {
      // A cached build of the unchanged context first: with several cached candidates for a step, podman
      // may pick an older one than the cold build just made, so layers are compared between cached builds.
      const warm = await build(WARM_TAG, version);
      const before = await inspectImage(engine, WARM_TAG);
      appendFileSync(path.join(context.dir, CHANGED_SOURCE), `\n// rebuild probe ${Date.now()}\n`);
      const rebuild = await build(REBUILD_TAG, `${version.slice(0, 12)}-next`);
      const after = await inspectImage(engine, REBUILD_TAG);
      const changed = after.layers.filter((layer, index) => layer !== before.layers[index]);
      expect({ layers: after.layers.length, changed: changed.length }).toEqual({
        layers: before.layers.length,
        changed: 1,
      });
      expect(after.layers.at(-1)).not.toBe(before.layers.at(-1));
      const speedup = cold.durationMs / rebuild.durationMs;
      figures.push(
        `build with nothing changed: ${seconds(warm.durationMs)}; source-only rebuild: ${seconds(rebuild.durationMs)}, ` +
          `${speedup.toFixed(1)}x faster than cold (target >= ${TARGET_REBUILD_SPEEDUP}x)`,
      );
    },
    BUILD_TIMEOUT_MS,
  );
});
