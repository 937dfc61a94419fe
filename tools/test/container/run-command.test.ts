import { runCommand } from '../../src/container/run-command';

describe('runCommand', () => {
  it.each([
    ['HUP', 129],
    ['KILL', 137],
    ['USR1', 138],
    ['TERM', 143],
  ])('reports a command ended by SIG%s as %d, 128 + the signal number', async (signal, status) => {
    const result = await runCommand('sh', ['-c', `echo started; kill -${signal} $$`]);
    expect(result).toEqual({ code: status, stdout: 'started\n', stderr: '', missing: false });
  });

  it('reports an executable that is not installed as 127, missing', async () => {
    const result = await runCommand('no-such-engine-here', ['version']);
    expect(result).toMatchObject({ code: 127, missing: true });
  });
});
