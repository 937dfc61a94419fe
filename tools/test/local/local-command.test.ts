import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runLocal } from '../../src/commands/local';
import { MemoryStream } from '../helpers/test-deps';
import type { RehearsalOptions } from '../../src/local/rehearsal/rehearsal';
import { fakeRehearse, resultFor } from '../helpers/rehearsal-result';
import { sendControl } from '../../src/local/control/control-client';

async function run(args: string[]) {
  const stdout = new MemoryStream();
  const stderr = new MemoryStream();
  const launch = jest.fn();
  const code = await runLocal(args, { stdout, stderr, env: {}, cwd: '/nonexistent' }, { launch });
  return { code, stdout: stdout.text, stderr: stderr.text, launch };
}

describe('rehearse local: usage', () => {
  test('--help prints the literal help text and exits 0', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: npm run rehearse -- local \[FAULT\[=VALUE\] \.\.\.\]/);
    expect(stdout).toContain('Faults: one release with every fault listed');
    expect(stdout).toContain('--time-scale N');
  });

  test.each([
    [['no-such-fault'], /unknown fault "no-such-fault"/],
    [['error-rate=2'], /error-rate/],
    [['--config', 'HalfAtOnce'], /--config must be one of AllAtOnce/],
    [
      ['--time-scale', '0'],
      /--time-scale needs a number from 1 to 60 \(above 60 a 5 s health-check interval/,
    ],
    [['--time-scale', '0.5'], /--time-scale needs a number from 1 to 60/],
    [['--time-scale', '1e9'], /--time-scale needs a number from 1 to 60/],
    [['--time-scale', '61'], /--time-scale needs a number from 1 to 60/],
    [['--time-scale', '-3'], /--time-scale needs a number from 1 to 60 .*; got "-3"/],
    [['--rate', 'fast'], /--rate needs a number from 0.001 to 100000 requests per second/],
    [['crash-after=2147484'], /crash-after.*from 0 to 2147483.647/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--controller', 'lambda'], /--controller must be one of codedeploy, ecs, got "lambda"/],
    [['--controller', 'both'], /--controller must be one of codedeploy, ecs, got "both"/],
  ])('%j is a usage error: exit 2, a message, nothing started', async (args, message) => {
    const { code, stderr, launch } = await run(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(launch).not.toHaveBeenCalled();
  });
});

describe('rehearse local: the verdict', () => {
  const verdictOf = async (env: NodeJS.ProcessEnv, tty: boolean, outcome?: 'succeeded') => {
    const stdout = new MemoryStream(tty);
    const code = await runLocal(
      ['health-fail'],
      { stdout, stderr: new MemoryStream(), env, cwd: '/nonexistent' },
      { launch: jest.fn(), rehearse: fakeRehearse(() => outcome) },
    );
    return { code, line: /^ {2}matched: +(.*)$/m.exec(stdout.text)?.[1] };
  };

  test('on a terminal: green when it matched, red when it did not', async () => {
    expect(await verdictOf({}, true)).toEqual({ code: 0, line: '\x1b[32myes\x1b[0m' });
    expect(await verdictOf({}, true, 'succeeded')).toEqual({ code: 1, line: '\x1b[31mNO\x1b[0m' });
  });

  test('in a pipe, or with NO_COLOR or TERM=dumb on a terminal: no colour', async () => {
    expect((await verdictOf({}, false)).line).toBe('yes');
    expect((await verdictOf({ NO_COLOR: '1' }, true)).line).toBe('yes');
    expect((await verdictOf({ TERM: 'dumb' }, true, 'succeeded')).line).toBe('NO');
  });
});

describe('rehearse local: --alarm-at-start', () => {
  test('hands the named alarm to the rehearsal and says so in the summary', async () => {
    const stdout = new MemoryStream();
    const rehearse = jest.fn(fakeRehearse());
    await runLocal(
      ['--controller', 'ecs', '--alarm-at-start', 'elb-5xx'],
      { stdout, stderr: new MemoryStream(), env: {}, cwd: '/nonexistent' },
      {
        launch: jest.fn(),
        rehearse: async (options) => ({ ...(await rehearse(options)), alarmAtStart: 'elb-5xx' }),
      },
    );
    expect(rehearse.mock.calls[0]?.[0]).toMatchObject({ controller: 'ecs', alarmAtStart: 'elb-5xx' });
    expect(stdout.text).toMatch(/^ {2}at start: +elb-5xx already in ALARM when the deployment started$/m);
  });
});

describe('rehearse local: --reset-production-rule', () => {
  test.each([[[]], [['--controller', 'codedeploy']]])(
    'is a usage error under CodeDeploy (%j), which moves production through no listener rule',
    async (controller) => {
      const { code, stderr, launch } = await run([...controller, '--reset-production-rule']);
      expect(code).toBe(2);
      expect(stderr).toMatch(
        /--reset-production-rule needs --controller ecs: the rule it resets is the one native ECS moves by its weights \(aws-cdk issue 36649\).*CodeDeploy moves production by rewriting the listener's default action itself/,
      );
      expect(stderr).toContain('\n  --reset-production-rule\n');
      expect(launch).not.toHaveBeenCalled();
    },
  );

  test('hands the reset to a native rehearsal, whose refusal the summary prints and which matches the model', async () => {
    const stdout = new MemoryStream();
    const seen: RehearsalOptions[] = [];
    const code = await runLocal(
      ['--controller', 'ecs', '--reset-production-rule'],
      { stdout, stderr: new MemoryStream(), env: {}, cwd: '/nonexistent' },
      {
        launch: jest.fn(),
        rehearse: (options) => {
          seen.push(options);
          const reset = options.productionRuleReset === true;
          return Promise.resolve(
            resultFor(options.faults, { controller: 'ecs', productionRuleReset: reset }),
          );
        },
      },
    );
    expect(seen[0]).toMatchObject({ controller: 'ecs', productionRuleReset: true });
    expect(code).toBe(0);
    expect(stdout.text).toMatch(/^ {2}outcome: +refused$/m);
    expect(stdout.text).toMatch(/^ {2}start check: refusing to start the deployment: /m);
  });
});

describe('rehearse local: report folder', () => {
  test('an unwritable --report is a usage error before anything starts', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'report-'));
    try {
      // Under a regular file no folder can be made, whoever runs the test (root included).
      const file = path.join(dir, 'a-file');
      writeFileSync(file, '');
      const { code, stderr, launch } = await run(['--report', path.join(file, 'reports')]);
      expect(code).toBe(2);
      expect(stderr).toMatch(/--report .*a-file\/reports: cannot write there \((ENOTDIR|EEXIST)\)/);
      expect(stderr).toMatch(/^ {2}--report DIR/m);
      expect(launch).not.toHaveBeenCalled();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('rehearse local: the gate', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(path.join(tmpdir(), 'local-gate-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('--gate hands the hold to the rehearsal, prints what to do once held, and listens for continue meanwhile', async () => {
    const stdout = new MemoryStream();
    const rehearse = jest.fn(fakeRehearse());
    let answer: unknown;
    await runLocal(
      ['--controller', 'ecs', '--gate', '--gate-timeout', '5m', '--gate-timeout-action', 'continue'],
      { stdout, stderr: new MemoryStream(), env: {}, cwd: root },
      {
        launch: jest.fn(),
        rehearse: async (options) => {
          options.onControl?.({
            continue: () => ({ ok: true, message: 'released' }),
            rollback: () => Promise.resolve({ ok: false, message: 'no' }),
          });
          options.onHeld?.({
            waitSeconds: 300,
            waitMs: 30_000,
            onTimeout: 'continue',
            timeScale: 10,
            controller: 'ecs',
            testUrl: 'http://127.0.0.1:4242',
          });
          answer = await sendControl(root, 'continue');
          return rehearse(options);
        },
      },
    );
    expect(rehearse.mock.calls[0]?.[0]).toMatchObject({ gate: { waitSeconds: 300, onTimeout: 'continue' } });
    expect(answer).toEqual({ ok: true, reached: true, message: 'released' });
    expect(stdout.text).toContain(
      "HELD before production traffic (ECS's PAUSE hook at POST_TEST_TRAFFIC_SHIFT)",
    );
    expect(stdout.text).toContain('continue in 5 min 00 s of AWS time = 30.0 s real at time scale 10');
    expect(stdout.text).toContain('curl http://127.0.0.1:4242/');
    expect(stdout.text).toContain('npm run rehearse -- rollback --local');
    // The channel closes with the rehearsal.
    expect((await sendControl(root, 'continue')).reached).toBe(false);
  });

  test('a gate in deploy-settings.json holds the local rehearsal too', async () => {
    writeFileSync(path.join(root, 'deploy-settings.json'), JSON.stringify({ gate: { waitMinutes: 20 } }));
    const rehearse = jest.fn(fakeRehearse());
    await runLocal(
      [],
      { stdout: new MemoryStream(), stderr: new MemoryStream(), env: {}, cwd: root },
      {
        launch: jest.fn(),
        rehearse,
      },
    );
    expect(rehearse.mock.calls[0]?.[0]).toMatchObject({ gate: { waitSeconds: 1200, onTimeout: 'rollback' } });
  });

  test('a gate needs the control channel: where none can listen the rehearsal is refused', async () => {
    const stderr = new MemoryStream();
    const rehearse = jest.fn(fakeRehearse());
    const code = await runLocal(
      ['--gate'],
      { stdout: new MemoryStream(), stderr, env: {}, cwd: path.join(root, 'gone') },
      {
        launch: jest.fn(),
        rehearse,
      },
    );
    expect(code).toBe(1);
    expect(stderr.text).toMatch(/--gate needs the control channel, and .*ENOENT/);
    expect(rehearse).not.toHaveBeenCalled();
  });

  test('--gate-timeout-action continue under CodeDeploy is a usage error', async () => {
    const { code, stderr } = await run(['--gate', '--gate-timeout-action', 'continue']);
    expect(code).toBe(2);
    expect(stderr).toContain('CodeDeploy stops a deployment whose wait before rerouting ends');
  });
});
