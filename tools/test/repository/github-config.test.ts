import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';

const ROOT = join(__dirname, '../../..');
const workflowText = readFileSync(join(ROOT, '.github/workflows/ci.yml'), 'utf8');
interface Step {
  readonly name?: string;
  readonly if?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, string>;
  readonly 'continue-on-error'?: unknown;
}
interface Job {
  readonly permissions?: unknown;
  readonly 'timeout-minutes'?: number;
  readonly 'continue-on-error'?: unknown;
  readonly if?: string;
  readonly steps: Step[];
}
interface Workflow {
  readonly on: { readonly push: { readonly branches: string[] } } & Record<string, unknown>;
  readonly permissions: unknown;
  readonly jobs: Record<string, Job>;
}
interface DependabotUpdate {
  readonly 'package-ecosystem': string;
  readonly directory: string;
  readonly schedule: { readonly interval: string };
  readonly ignore?: unknown[];
}

const workflow = parse(workflowText) as Workflow;
const dependabot = parse(readFileSync(join(ROOT, '.github/dependabot.yml'), 'utf8')) as {
  version: number;
  updates: DependabotUpdate[];
};
const steps = (): Job['steps'] => Object.values(workflow.jobs).flatMap((job) => job.steps);
const runs = (): string[] => steps().flatMap((s) => (s.run === undefined ? [] : [s.run]));

describe('.github/workflows/ci.yml', () => {
  it('passes the GitHub Actions workflow schema', () => {
    expect(validateWorkflow(workflowText).errors).toEqual([]);
  });

  it('is validated for real: a broken copy fails the schema', () => {
    expect(
      validateWorkflow(workflowText.replace('runs-on: ubuntu-24.04', 'runs_on: ubuntu-24.04')).errors,
    ).not.toEqual([]);
  });

  it('runs on pull requests and on pushes to main', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
    expect(workflow.on.push.branches).toEqual(['main']);
  });

  it('may only read the repository', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' });
    for (const job of Object.values(workflow.jobs)) expect(job.permissions).toBeUndefined();
  });

  it('pins every action to a full release version', () => {
    const uses = steps().flatMap((s) => (s.uses === undefined ? [] : [s.uses]));
    expect(uses.length).toBeGreaterThan(0);
    for (const action of uses) expect(action).toMatch(/^[\w.-]+\/[\w.-]+@v\d+\.\d+\.\d+$/);
  });

  it('runs the same gates as the release build, then synth and the container tests', () => {
    expect(runs()).toEqual(
      expect.arrayContaining([
        'npm ci --strict-allow-scripts --no-audit --no-fund',
        'npm run lint',
        'npm run typecheck',
        'npm test',
        'npm run synth',
        'npm run test:container',
      ]),
    );
    expect(runs().some((r) => r.startsWith('docker build --build-arg APP_VERSION='))).toBe(true);
  });

  it('bounds every job in time', () => {
    for (const job of Object.values(workflow.jobs)) {
      expect(job['timeout-minutes']).toBeGreaterThan(0);
    }
  });
});

describe('.github/workflows/ci.yml: the rollback rehearsal suite', () => {
  const SUITE = /^npm run rehearse -- suite --controller both --report (\S+)$/;
  const job = Object.values(workflow.jobs).find((j) => j.steps.some((s) => SUITE.test(s.run ?? '')));
  const suiteStep = job?.steps.find((s) => SUITE.test(s.run ?? ''));
  const reportDir = SUITE.exec(suiteStep?.run ?? '')?.[1] ?? '';
  const afterFailure = (step: Step | undefined): boolean => /always\(\)|!cancelled\(\)/.test(step?.if ?? '');

  it('runs the whole suite on both controllers with a report folder on every pull request and push to main', () => {
    expect(job).toBeDefined();
    expect(reportDir).not.toBe('');
    expect(job!.if).toBeUndefined();
    expect(job!.steps.map((s) => s.run)).toContain('npm ci --strict-allow-scripts --no-audit --no-fund');
  });

  it("lets the suite's exit code fail the job: nothing swallows it", () => {
    expect(suiteStep?.['continue-on-error']).toBeUndefined();
    expect(job?.['continue-on-error']).toBeUndefined();
    expect(suiteStep?.if).toBeUndefined();
  });

  it('uploads the report folder even when the suite failed', () => {
    const upload = job?.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.with?.path?.replace(/\/$/, '')).toBe(reportDir.replace(/\/$/, ''));
    expect(afterFailure(upload)).toBe(true);
    expect(job!.steps.indexOf(upload!)).toBeGreaterThan(job!.steps.indexOf(suiteStep!));
  });

  it('appends summary.md to the job summary even when the suite failed, so the scorecard is in view', () => {
    const summary = job?.steps.find((s) => s.run?.includes('$GITHUB_STEP_SUMMARY'));
    expect(summary?.run).toMatch(
      new RegExp(`cat ${reportDir.replace(/\/$/, '')}/summary\\.md >> "\\$GITHUB_STEP_SUMMARY"`),
    );
    expect(afterFailure(summary)).toBe(true);
  });
});

describe('.github/dependabot.yml', () => {
  const ECOSYSTEMS = ['npm', 'github-actions', 'docker'];
  const MANIFEST: Record<string, string> = {
    npm: 'package.json',
    'github-actions': '.github/workflows',
    docker: 'Dockerfile',
  };
  const INTERVALS = ['daily', 'weekly', 'monthly', 'quarterly', 'semiannually', 'yearly', 'cron'];

  it('is configuration version 2 with only known keys per update', () => {
    expect(dependabot.version).toBe(2);
    const known = [
      'package-ecosystem',
      'directory',
      'directories',
      'schedule',
      'open-pull-requests-limit',
      'groups',
      'ignore',
      'labels',
    ];
    for (const update of dependabot.updates) {
      expect(Object.keys(update).filter((k) => !known.includes(k))).toEqual([]);
      expect(INTERVALS).toContain(update.schedule.interval);
    }
  });

  it('updates npm packages, the workflow actions and the Dockerfile base image', () => {
    expect(dependabot.updates.map((u) => u['package-ecosystem']).sort()).toEqual([...ECOSYSTEMS].sort());
  });

  it('points every ecosystem at a directory that holds its manifest', () => {
    for (const update of dependabot.updates) {
      expect(existsSync(join(ROOT, update.directory, MANIFEST[update['package-ecosystem']]!))).toBe(true);
    }
  });

  it('keeps TypeScript on major 6, which the lint and test tool chain needs', () => {
    const npm = dependabot.updates.find(
      (u: { 'package-ecosystem': string }) => u['package-ecosystem'] === 'npm',
    );
    expect(npm?.ignore).toContainEqual({
      'dependency-name': 'typescript',
      'update-types': ['version-update:semver-major'],
    });
  });
});
