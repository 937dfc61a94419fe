import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/*
 * `rehearse local --reset-production-rule` as a person runs it: the compiled CLI in its own process (jest's
 * global setup builds dist/), its exit code and what it prints.
 */
const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist/tools/src/cli.js');
const LIMIT_MS = 60_000;

const running: ChildProcess[] = [];

function rehearse(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, 'local', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('rehearse local --reset-production-rule, as a process', () => {
  afterEach(() => {
    for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it(
    "under native ECS: every production request gets the load balancer's 503, the start check refuses, exit 0 as the model expects",
    async () => {
      const { code, stdout, stderr } = await rehearse([
        '--controller',
        'ecs',
        '--reset-production-rule',
        '--json',
      ]);
      expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
      const result = JSON.parse(stdout) as {
        outcome: string;
        matched: boolean;
        expected: { outcome: string };
        refusal: string[];
        load: { requests: number; failed: number; byStatus: Record<string, number> };
        events: { type: string; group?: string }[];
      };
      expect(result).toMatchObject({ outcome: 'refused', matched: true, expected: { outcome: 'refused' } });
      expect(result.load.requests).toBeGreaterThan(10);
      expect(result.load.byStatus).toEqual({ '503': result.load.requests });
      expect(result.load.failed).toBe(result.load.requests);
      expect(result.refusal[0]).toMatch(
        /^refusing to start the deployment: production sends 100% to green, which has no healthy target .*Send production back to blue, then deploy$/,
      );
      expect(result.refusal[1]).toMatch(/^aws elbv2 modify-rule --rule-arn \S+ --actions 'Type=forward,/);
      // No stage ran and only blue's tasks started.
      expect(result.events.filter((e) => e.type === 'lifecycle')).toEqual([]);
      const started = result.events.filter((e) => e.type === 'task-started').map((e) => e.group);
      expect(started).toEqual(['blue', 'blue']);
      expect(stderr).toContain('refusing to start the deployment: production sends 100% to green');
    },
    LIMIT_MS,
  );

  it(
    'under CodeDeploy: a usage error, exit 2, before anything starts',
    async () => {
      const { code, stdout, stderr } = await rehearse(['--reset-production-rule']);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^--reset-production-rule needs --controller ecs: /);
    },
    LIMIT_MS,
  );
});
