import { runLocal } from '../../src/commands/local';
import { MemoryStream } from '../helpers/test-deps';

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
    expect(stdout).toMatch(/^Usage: npm run rehearse -- local \[FAULT\[=VALUE\],\.\.\.\]/);
    expect(stdout).toContain('--time-scale N');
  });

  test.each([
    [['no-such-fault'], /unknown fault "no-such-fault"/],
    [['error-rate=2'], /error-rate/],
    [['--config', 'HalfAtOnce'], /--config must be one of AllAtOnce/],
    [['--time-scale', '0'], /--time-scale needs a positive number/],
    [['--time-scale', '0.5'], /--time-scale must be 1 or more/],
    [['--rate', 'fast'], /--rate needs a positive number/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('%j is a usage error: exit 2, a message, nothing started', async (args, message) => {
    const { code, stderr, launch } = await run(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(launch).not.toHaveBeenCalled();
  });
});
