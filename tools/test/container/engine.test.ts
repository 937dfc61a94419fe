import { settings } from '../../../contract/settings';
import {
  buildArgs,
  ContainerEngineError,
  detectEngine,
  engineCommand,
  parseImageInspect,
  runArgs,
  type Engine,
} from '../../src/container/engine';
import type { CommandResult, RunCommand } from '../../src/container/run-command';

type Answers = Record<string, Partial<CommandResult>>;

/** A fake RunCommand keyed by the executable's name; unknown executables are "not installed". */
function fakeRun(answers: Answers): RunCommand & { calls: string[][] } {
  const calls: string[][] = [];
  const run = (command: string, args: readonly string[]): Promise<CommandResult> => {
    calls.push([command, ...args]);
    const answer = answers[command];
    if (!answer)
      return Promise.resolve({ code: 127, stdout: '', stderr: `spawn ${command} ENOENT`, missing: true });
    return Promise.resolve({ code: 0, stdout: '', stderr: '', missing: false, ...answer });
  };
  return Object.assign(run, { calls });
}

const NO_DAEMON = {
  code: 1,
  stderr:
    'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n',
};

describe('detectEngine', () => {
  it('picks docker when its engine answers, with the default network', async () => {
    const engine = await detectEngine({}, fakeRun({ docker: { stdout: '28.2.2\n' }, podman: {} }));
    expect(engine).toMatchObject({
      kind: 'docker',
      command: 'docker',
      network: undefined,
      runtime: undefined,
    });
  });

  it('falls back to podman with runc and the host network when the docker client has no engine', async () => {
    const engine = await detectEngine(
      {},
      fakeRun({ docker: NO_DAEMON, podman: { stdout: '4.3.1' }, runc: {} }),
    );
    expect(engine).toMatchObject({ kind: 'podman', runtime: 'runc', network: 'host' });
  });

  it("leaves podman's own runtime when runc is not installed or CONTAINER_RUNTIME is empty", async () => {
    expect((await detectEngine({}, fakeRun({ podman: {} }))).runtime).toBeUndefined();
    expect(
      (await detectEngine({ CONTAINER_RUNTIME: '' }, fakeRun({ podman: {}, runc: {} }))).runtime,
    ).toBeUndefined();
  });

  it('says the docker client has no engine, and how to get one, when podman is missing too', async () => {
    const detection = detectEngine({}, fakeRun({ docker: NO_DAEMON }));
    await expect(detection).rejects.toThrow(ContainerEngineError);
    await expect(detection).rejects.toThrow(
      /docker client is installed but has no engine.*Cannot connect to the Docker daemon/,
    );
    await expect(detection).rejects.toThrow(/podman is not installed.*setup-podman\.sh/);
  });

  it('says neither engine is installed when neither is on PATH', async () => {
    await expect(detectEngine({}, fakeRun({}))).rejects.toThrow(
      /No usable container engine: docker is not installed .*; podman is not installed/,
    );
  });

  it('uses only the engine CONTAINER_ENGINE names, and rejects an unknown one naming the value', async () => {
    await expect(
      detectEngine({ CONTAINER_ENGINE: 'podman' }, fakeRun({ docker: { stdout: '28' } })),
    ).rejects.toThrow(/CONTAINER_ENGINE=podman.*podman is not installed/);
    await expect(detectEngine({ CONTAINER_ENGINE: 'containerd' }, fakeRun({}))).rejects.toThrow(
      'CONTAINER_ENGINE="containerd" is not supported: use docker or podman',
    );
  });
});

const fake = fakeRun({});
const podman: Engine = { kind: 'podman', command: 'podman', runtime: 'runc', network: 'host', run: fake };
const docker: Engine = { kind: 'docker', command: 'docker', run: fake };

describe('buildArgs', () => {
  it('keeps HEALTHCHECK on podman (docker format) and passes its network', () => {
    const args = buildArgs({ engine: podman, tag: 'app:1', appVersion: 'abc123', context: '/ctx' });
    expect(args).toEqual([
      'build',
      '--tag',
      'app:1',
      '--build-arg',
      'APP_VERSION=abc123',
      '--network=host',
      '--format',
      'docker',
      '/ctx',
    ]);
  });

  it('adds the base image, the CA secret and --no-cache only when asked, with no podman flags for docker', () => {
    const plain = buildArgs({ engine: docker, tag: 'app:1', appVersion: 'abc' });
    expect(plain).toEqual(['build', '--tag', 'app:1', '--build-arg', 'APP_VERSION=abc', '.']);
    const full = buildArgs({
      engine: docker,
      tag: 'app:1',
      appVersion: 'abc',
      baseImage: 'localhost/base:24',
      caBundle: '/etc/ca.crt',
      noCache: true,
    });
    expect(full).toEqual(
      expect.arrayContaining(['BASE_IMAGE=localhost/base:24', 'id=npm_ca,src=/etc/ca.crt', '--no-cache']),
    );
  });

  it('rejects a version that cannot be a label', () => {
    expect(() => buildArgs({ engine: docker, tag: 't', appVersion: 'a b' })).toThrow(
      /appVersion "a b" is not usable/,
    );
  });
});

describe('runArgs', () => {
  it('on the host network gives the service the host port as PORT, on loopback, without publishing', () => {
    const args = runArgs({
      engine: podman,
      image: 'img',
      name: 'blue',
      hostPort: 18080,
      metricsHostPort: 19464,
      env: { FAULTS: '' },
    });
    expect(args).toEqual(
      expect.arrayContaining([
        '--network=host',
        '--env',
        'PORT=18080',
        '--env',
        'METRICS_PORT=19464',
        '--env',
        'HOST=127.0.0.1',
      ]),
    );
    expect(args).not.toContain('--publish');
    expect(args.at(-1)).toBe('img');
  });

  it('on a bridge network publishes both ports on loopback and keeps PORT and METRICS_PORT at the image’s', () => {
    const args = runArgs({
      engine: docker,
      image: 'img',
      name: 'green',
      hostPort: 18081,
      metricsHostPort: 19465,
    });
    expect(args).toEqual(
      expect.arrayContaining([
        '--publish',
        `127.0.0.1:18081:${settings.container.port}`,
        '--publish',
        `127.0.0.1:19465:${settings.container.metricsPort}`,
        '--env',
        `PORT=${settings.container.port}`,
        '--env',
        `METRICS_PORT=${settings.container.metricsPort}`,
      ]),
    );
  });

  it('on a bridge network makes the service listen on all interfaces of its own namespace, whatever HOST was', () => {
    const args = runArgs({
      engine: docker,
      image: 'img',
      name: 'green',
      hostPort: 18081,
      metricsHostPort: 19465,
      env: { HOST: '127.0.0.1' },
    });
    expect(args).toEqual(expect.arrayContaining(['--env', 'HOST=0.0.0.0']));
    expect(args).not.toContain('HOST=127.0.0.1');
  });

  it('runs read-only by default, without the writable tmpfs podman would add', () => {
    expect(runArgs({ engine: podman, image: 'i', name: 'n', hostPort: 1, metricsHostPort: 2 })).toEqual(
      expect.arrayContaining(['--read-only', '--read-only-tmpfs=false']),
    );
    expect(runArgs({ engine: docker, image: 'i', name: 'n', hostPort: 1, metricsHostPort: 2 })).toContain(
      '--read-only',
    );
    expect(
      runArgs({ engine: docker, image: 'i', name: 'n', hostPort: 1, metricsHostPort: 2, readOnly: false }),
    ).not.toContain('--read-only');
  });

  it('refuses env.PORT and bad names with a message that says what to do', () => {
    expect(() =>
      runArgs({ engine: docker, image: 'i', name: 'n', hostPort: 1, metricsHostPort: 2, env: { PORT: '1' } }),
    ).toThrow(/Set port and hostPort instead of env.PORT/);
    expect(() =>
      runArgs({
        engine: docker,
        image: 'i',
        name: 'n',
        hostPort: 1,
        metricsHostPort: 2,
        env: { METRICS_PORT: '1' },
      }),
    ).toThrow(/Set metricsHostPort instead of env.METRICS_PORT/);
    expect(() =>
      runArgs({ engine: docker, image: 'i', name: 'bad name', hostPort: 1, metricsHostPort: 2 }),
    ).toThrow(/Container name "bad name"/);
  });
});

describe('engineCommand', () => {
  it("puts podman's runtime before the subcommand, where podman reads it", async () => {
    const run = fakeRun({ podman: {} });
    await engineCommand({ ...podman, run }, ['ps']);
    expect(run.calls).toEqual([['podman', '--runtime', 'runc', 'ps']]);
  });
});

describe('parseImageInspect', () => {
  const config = {
    User: '1000:1000',
    WorkingDir: '/app',
    Entrypoint: ['node'],
    Cmd: ['dist/app/src/server.js'],
    Env: ['PATH=/bin', 'APP_VERSION=abc=1'],
    Labels: { 'org.opencontainers.image.revision': 'abc' },
  };
  const test = ['CMD', 'node', 'dist/app/src/healthcheck.js'];

  it("reads docker's inspect output, health check inside Config", () => {
    const info = parseImageInspect(
      JSON.stringify([
        {
          Id: 'sha256:1',
          Size: 42,
          Config: { ...config, Healthcheck: { Test: test } },
          RootFS: { Layers: ['a', 'b'] },
        },
      ]),
    );
    expect(info).toMatchObject({
      id: 'sha256:1',
      sizeBytes: 42,
      user: '1000:1000',
      healthcheck: test,
      layers: ['a', 'b'],
    });
    expect(info.env.APP_VERSION).toBe('abc=1');
  });

  it("reads podman's inspect output, health check at the top level", () => {
    const info = parseImageInspect(
      JSON.stringify([{ Id: '2', Size: 1, Config: config, Healthcheck: { Test: test } }]),
    );
    expect(info.healthcheck).toEqual(test);
    expect(info.labels['org.opencontainers.image.revision']).toBe('abc');
  });

  it('reports no health check for an image without one or with NONE', () => {
    expect(parseImageInspect(JSON.stringify([{ Config: config }])).healthcheck).toBeUndefined();
    expect(
      parseImageInspect(JSON.stringify([{ Config: { ...config, Healthcheck: { Test: ['NONE'] } } }]))
        .healthcheck,
    ).toBeUndefined();
  });
});
