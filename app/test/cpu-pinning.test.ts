import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { onCores } from '../bench/cpu-pinning';

const canPin = (() => {
  if (process.platform !== 'linux' || os.availableParallelism() < 2) return false;
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('bench CPU pinning', () => {
  it('runs a command through taskset on the given cores, and as it is without pinning', () => {
    expect(onCores('1', ['node', 'server.js'])).toEqual(['taskset', ['-c', '1', 'node', 'server.js']]);
    expect(onCores(undefined, ['node', 'server.js'])).toEqual(['node', ['server.js']]);
  });

  (canPin ? it : it.skip)(
    'keeps the load generator off the last core and starts apps on it (in a child, not this worker)',
    () => {
      // The compiled module (jest's global setup builds it), in a child: pinning this worker would slow the suite.
      const module = path.resolve(__dirname, '../../dist/app/bench/cpu-pinning.js');
      const script = `
        const { pinCpus, onCores } = require(${JSON.stringify(module)});
        const { execFileSync } = require('node:child_process');
        const allowed = (text) => /Cpus_allowed_list:\\s*(\\S+)/.exec(text)[1];
        const pinning = pinCpus();
        const [cmd, args] = onCores(pinning.server, ['cat', '/proc/self/status']);
        console.log(JSON.stringify({
          pinning,
          self: allowed(require('node:fs').readFileSync('/proc/self/status', 'utf8')),
          app: allowed(execFileSync(cmd, args, { encoding: 'utf8' })),
        }));`;
      const out = execFileSync(process.execPath, ['-e', script], {
        encoding: 'utf8',
      });
      const { pinning, self, app } = JSON.parse(out) as {
        pinning: { server: string; client: string };
        self: string;
        app: string;
      };
      const last = String(os.availableParallelism() - 1);
      expect(pinning.server).toBe(last);
      expect(app).toBe(last);
      expect(self).toBe(pinning.client);
      expect(self).not.toContain(last);
    },
  );
});
