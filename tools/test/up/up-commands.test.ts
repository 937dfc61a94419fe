import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { main } from '../../src/cli';
import { claimUpInstance } from '../../src/up/instance-lock';
import { runUpCommand } from '../../src/commands/up';
import { testDeps } from '../helpers/test-deps';
import { tempRepo, type TempRepo } from '../helpers/temp-repo';

/** Bad input to up, down and watch --local: each refused before anything starts, with what to do. */
describe('up, down and watch --local refuse what they cannot do', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = tempRepo();
  });
  afterEach(() => repo.remove());

  const unusedStages = {
    openRemote: () => Promise.reject(new Error('the remote must not be opened')),
    build: () => Promise.reject(new Error('nothing must be built')),
  };

  it.each([['0'], ['65535'], ['80a']])('up --port %s is a usage error naming --port', async (port) => {
    const deps = testDeps({ cwd: repo.dir });
    expect(await runUpCommand(['--port', port], deps, unusedStages)).toBe(2);
    expect(deps.stderr.text).toContain('--port');
  });

  it("refuses a second up for one repository, naming the first one's pid", async () => {
    const first = claimUpInstance(repo.dir, process.ppid);
    try {
      const deps = testDeps({ cwd: repo.dir });
      expect(await runUpCommand([], deps, unusedStages)).toBe(1);
      expect(deps.stderr.text).toContain(`pid ${process.ppid}`);
      expect(deps.stderr.text).toContain('npm run rehearse -- down');
    } finally {
      first.release();
    }
  });

  it('refuses a port in use with exit 2, naming the port, and leaves no lock behind', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const deps = testDeps({ cwd: repo.dir });
      expect(await runUpCommand(['--port', String(port)], deps, unusedStages)).toBe(2);
      expect(deps.stderr.text).toContain(`port ${port} is in use`);
      expect(existsSync(path.join(repo.dir, '.rehearsal', 'up.lock'))).toBe(false);
    } finally {
      server.close();
    }
  });

  it('down with no up running says so and exits 1', async () => {
    const deps = testDeps({ cwd: repo.dir });
    expect(await main(['down'], deps)).toBe(1);
    expect(deps.stderr.text).toContain('no `npm run rehearse -- up` is running');
  });

  it('watch --local refuses the flags that name something on AWS', async () => {
    const deps = testDeps({ cwd: repo.dir });
    expect(await main(['watch', '--local', '--deployment-id', 'd-1'], deps)).toBe(2);
    expect(deps.stderr.text).toContain('--deployment-id names something on AWS');
  });

  it('watch --local with no up running and no release says to start up, exit 1', async () => {
    const deps = testDeps({ cwd: repo.dir });
    expect(await main(['watch', '--local'], deps)).toBe(1);
    expect(deps.stderr.text).toContain('no `npm run rehearse -- up` is running for this repository');
  });
});
