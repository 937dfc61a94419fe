import { readFileSync } from 'node:fs';
import path from 'node:path';
import { settings } from '../../../contract/settings';
import { execForm, finalStage, parseDockerfile, substitute, type Instruction } from './support/dockerfile';

const root = path.join(__dirname, '..', '..', '..');
const dockerfile = parseDockerfile(readFileSync(path.join(root, 'Dockerfile'), 'utf8'));
const runtime = finalStage(dockerfile);

const only = (instructions: readonly Instruction[], keyword: string): Instruction[] =>
  instructions.filter((instruction) => instruction.keyword === keyword);

function single(instructions: readonly Instruction[], keyword: string): Instruction {
  const found = only(instructions, keyword);
  expect(found).toHaveLength(1);
  return found[0]!;
}

const stage = (name: string): Instruction[] =>
  dockerfile.instructions.filter((instruction) => instruction.stage === name);

describe('Dockerfile agrees with settings.image', () => {
  it('sets the runtime WORKDIR to settings.image.workdir', () => {
    expect(single(runtime, 'WORKDIR').args).toBe(settings.image.workdir);
  });

  it('runs as the numeric non-root uid of settings.image.uid', () => {
    const user = single(runtime, 'USER').args;
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user.split(':')[0])).toBe(settings.image.uid);
    expect(settings.image.uid).not.toBe(0);
  });

  it('starts node directly on settings.image.entry, in exec form, without npm or a shell', () => {
    const entrypoint = execForm(single(runtime, 'ENTRYPOINT').args);
    const cmd = execForm(single(runtime, 'CMD').args);
    expect([...(entrypoint ?? []), ...(cmd ?? [])]).toEqual(['node', settings.image.entry]);
  });

  it('health-checks with node on settings.image.healthcheckEntry, with the task definition timings', () => {
    const healthcheck = single(runtime, 'HEALTHCHECK').args;
    const [options = '', command = ''] = healthcheck.split(/\s+CMD\s+/);
    expect(execForm(command)).toEqual(['node', settings.image.healthcheckEntry]);
    const timing = settings.containerHealthCheck;
    expect(options.split(/\s+/).sort()).toEqual(
      [
        `--interval=${timing.intervalSeconds}s`,
        `--timeout=${timing.timeoutSeconds}s`,
        `--start-period=${timing.startPeriodSeconds}s`,
        `--retries=${timing.retries}`,
      ].sort(),
    );
  });

  it('exposes settings.container.port, then the metrics port', () => {
    expect(single(runtime, 'EXPOSE').args).toBe(
      `${settings.container.port} ${settings.container.metricsPort}`,
    );
  });
});

describe('Dockerfile base image', () => {
  it('defaults BASE_IMAGE to the ECR Public mirror of the official Node 24 Debian slim image', () => {
    expect(dockerfile.globalArgs.BASE_IMAGE).toMatch(
      /^public\.ecr\.aws\/docker\/library\/node:24(\.\d+){0,2}-(bookworm|trixie)-slim(@sha256:[0-9a-f]{64})?$/,
    );
  });

  it('builds every stage that starts from scratch on BASE_IMAGE, so a build argument can replace it', () => {
    const froms = only(dockerfile.instructions, 'FROM').map((from) => from.args.split(/\s+/)[0]);
    const stageNames = new Set(only(dockerfile.instructions, 'FROM').map((from) => from.stage));
    for (const image of froms) {
      expect(image === '${BASE_IMAGE}' || stageNames.has(image)).toBe(true);
    }
    expect(runtime[0]?.args).toMatch(/^\$\{BASE_IMAGE\}\s+AS\s+runtime$/);
  });
});

describe('Dockerfile stages', () => {
  it('installs dependencies from the manifests alone, before any source is copied', () => {
    const deps = stage('deps');
    const copies = only(deps, 'COPY').map((copy) => copy.args);
    expect(copies).toEqual(['package.json package-lock.json ./']);
    const install = only(deps, 'RUN').find((run) => /\bnpm ci\b/.test(run.args));
    expect(install).toBeDefined();
    expect(install!.args).not.toMatch(/--omit=dev/);
  });

  it('makes the CA bundle an optional build secret, so a build without a proxy needs nothing', () => {
    const install = only(stage('deps'), 'RUN').find((run) => /\bnpm ci\b/.test(run.args));
    expect(install!.args).toMatch(/--mount=type=secret,id=npm_ca,required=false/);
    expect(dockerfile.instructions.map((instruction) => instruction.args).join('\n')).not.toMatch(
      /ca-certificates\.crt/,
    );
  });

  it('prunes to production dependencies in a stage the sources never enter', () => {
    const prodDeps = stage('prod-deps');
    expect(only(prodDeps, 'COPY')).toEqual([]);
    expect(
      only(prodDeps, 'RUN')
        .map((run) => run.args)
        .join(' '),
    ).toMatch(/npm prune --omit=dev/);
  });

  it('copies only production node_modules, package.json, the compiled contract and service into the runtime stage', () => {
    const copies = only(runtime, 'COPY').map((copy) => copy.args.split(/\s+/));
    expect(copies).toEqual([
      ['--from=prod-deps', '/app/node_modules', './node_modules'],
      ['--from=prod-deps', '/app/package.json', './package.json'],
      ['--from=build', '/app/dist/contract', './dist/contract'],
      [
        '--from=build',
        `/app/${path.posix.dirname(settings.image.entry)}`,
        `./${path.posix.dirname(settings.image.entry)}`,
      ],
    ]);
    expect(only(runtime, 'RUN')).toEqual([]);
    expect(only(runtime, 'ADD')).toEqual([]);
  });

  it("bundles the entries with the service's own modules after compiling, with the script npm run build uses", () => {
    const build = stage('build');
    expect(only(build, 'COPY').map((copy) => copy.args)).toContain('app/bundle.js app/');
    const compile = only(build, 'RUN').find((run) => /\btsc\b/.test(run.args));
    expect(compile?.args).toMatch(/\btsc -p \S+ && node app\/bundle\.js$/);
    const scripts = (
      JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(scripts.build).toMatch(/&& node app\/bundle\.js$/);
  });

  it('copies the compiled service last, so a source-only change replaces one layer', () => {
    const layers = runtime.filter((instruction) => ['COPY', 'ADD', 'RUN'].includes(instruction.keyword));
    expect(layers.at(-1)?.args).toMatch(/^--from=build\s/);
  });

  it('bakes APP_VERSION into the environment and the OCI revision, version and source labels', () => {
    expect(only(runtime, 'ARG').map((arg) => arg.args.split('=')[0])).toContain('APP_VERSION');
    const values = { APP_VERSION: 'abc123', SOURCE_URL: 'https://example.com/repo' };
    const env = substitute(
      only(runtime, 'ENV')
        .map((instruction) => instruction.args)
        .join(' '),
      values,
    );
    expect(env).toMatch(/(^|\s)APP_VERSION=abc123(\s|$)/);
    const labels = substitute(single(runtime, 'LABEL').args, values);
    expect(labels).toContain('org.opencontainers.image.revision="abc123"');
    expect(labels).toContain('org.opencontainers.image.version="abc123"');
    expect(labels).toMatch(/org\.opencontainers\.image\.source="https:\/\/\S+"/);
  });
});

describe('.dockerignore', () => {
  const patterns = readFileSync(path.join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  it('is an allow-list: everything is ignored except what the build copies', () => {
    expect(patterns[0]).toBe('*');
    const allowed = patterns.filter((pattern) => pattern.startsWith('!')).map((pattern) => pattern.slice(1));
    expect(allowed).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'app/src']));
    for (const path of allowed)
      expect(path).not.toMatch(/^(node_modules|dist|tools\/src|pipeline|app\/test|\.git)/);
  });

  it('keeps test files out even inside app/src', () => {
    expect(patterns).toContain('**/*.test.ts');
    expect(patterns.indexOf('**/*.test.ts')).toBeGreaterThan(patterns.indexOf('!app/src'));
  });
});
