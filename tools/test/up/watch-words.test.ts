import type { EventInput } from '../../src/experiment/rehearsal-event';
import type { ReleaseLogEvent } from '../../src/up/release-log';
import { WatchWords } from '../../src/up/watch-words';

const AT = Date.UTC(2026, 0, 1, 12, 0, 0);

/** A release's published events: the release, its stages, then the deployment's record. */
function release(
  controller: 'codedeploy' | 'ecs',
  deployment: EventInput[],
  verdict: string,
): ReleaseLogEvent[] {
  const events: ReleaseLogEvent[] = [
    { at: AT, type: 'release', number: 2, commit: 'b'.repeat(40), controller },
    { at: AT, type: 'stage', stage: 'Source', status: 'Succeeded' },
    { at: AT, type: 'stage', stage: 'Build', status: 'Succeeded', summary: 'built' },
    { at: AT, type: 'stage', stage: 'Deploy', status: 'InProgress' },
  ];
  deployment.forEach((event, i) =>
    events.push({
      at: AT + (i + 1) * 1000,
      type: 'deployment',
      event: { ...event, atMs: i * 1000 } as never,
    }),
  );
  events.push({ at: AT + 60_000, type: 'verdict', verdict: verdict as never, detail: 'done' });
  return events;
}

function follow(events: ReleaseLogEvent[]): { lines: string[]; summary: string; code: number } {
  const words = new WatchWords();
  const lines = events.flatMap((e) => words.lines(e));
  const { text, code } = words.summary();
  return { lines, summary: text, code };
}

const STARTED: EventInput = {
  type: 'started',
  faults: 'health-fail',
  config: 'CodeDeployDefault.ECSAllAtOnce',
};

describe('watch --local words', () => {
  it.each([
    ['codedeploy', 'd-LOCAL  held before production traffic: CodeDeploy stops it at 12:01:02 UTC (in 1 min)'],
    [
      'ecs',
      'LOCAL  held at POST_TEST_TRAFFIC_SHIFT before production traffic: ECS takes ROLLBACK at 12:01:02 UTC (in 1 min)',
    ],
  ] as const)('tells a %s hold as watch does on AWS, with the two --local commands', (controller, words) => {
    const { lines } = follow(
      release(
        controller,
        [
          { ...STARTED, timeScale: 60 },
          { type: 'held', waitSeconds: 3600, onTimeout: 'rollback' },
        ],
        'succeeded',
      ),
    );
    expect(lines.at(-1)).toBe(
      `12:00:02  ${words} unless ended; go on: npm run rehearse -- continue --local; take it back: npm run rehearse -- rollback --local`,
    );
  });

  it('tells a CodeDeploy rollback as watch does on AWS: lifecycle events, the error code, exit 1', () => {
    const { lines, summary, code } = follow(
      release(
        'codedeploy',
        [
          STARTED,
          { type: 'lifecycle', step: 'Install', status: 'started' },
          { type: 'stop', trigger: 'hook', detail: 'AfterAllowTestTraffic hook failed: /health 500' },
          { type: 'traffic', listener: 'production', greenPercent: 0 },
          { type: 'rollback', status: 'done', detail: 'green stopped, blue serving' },
          { type: 'outcome', outcome: 'rolled-back' },
        ],
        'rolled-back',
      ),
    );
    expect(lines).toEqual([
      '12:00:00  local release 2 of bbbbbbbbbbbb',
      '12:00:00  Source/GitHub Succeeded',
      '12:00:00  Build/TestAndBuildImage Succeeded: built',
      '12:00:00  Deploy/BlueGreen InProgress',
      '12:00:01  d-LOCAL  status InProgress',
      '12:00:02  d-LOCAL  Install InProgress',
      '12:00:03  d-LOCAL  Install Failed in 1s',
      '12:00:03  d-LOCAL  stopped by HOOK_EXECUTION_FAILURE: AfterAllowTestTraffic hook failed: /health 500',
      '12:00:04  d-LOCAL  traffic Blue 100% (2/2 running), Green 0% (0/0 running)',
      '12:00:05  d-LOCAL  rollback: green stopped, blue serving',
      '12:00:06  d-LOCAL  status Failed',
    ]);
    expect(summary).toContain('Deployment d-LOCAL failed and was rolled back (status Failed).');
    expect(summary).toContain('stopped by HOOK_EXECUTION_FAILURE');
    expect(code).toBe(1);
  });

  it('tells a native ECS success in stages and exits 0', () => {
    const { lines, summary, code } = follow(
      release(
        'ecs',
        [
          STARTED,
          { type: 'lifecycle', step: 'SCALE_UP', status: 'started' },
          { type: 'hook', ok: true, reason: 'ok', hookStatus: 'SUCCEEDED' },
          { type: 'traffic', listener: 'production', greenPercent: 100 },
          { type: 'outcome', outcome: 'succeeded' },
        ],
        'succeeded',
      ),
    );
    expect(lines.slice(4)).toEqual([
      '12:00:01  LOCAL  status IN_PROGRESS',
      '12:00:02  LOCAL  stage SCALE_UP',
      '12:00:03  LOCAL  hook at POST_TEST_TRAFFIC_SHIFT SUCCEEDED',
      '12:00:04  LOCAL  traffic blue 0% (test 0%, 2/2 running), green 100% (test 100%, 0/0 running)',
      '12:00:05  LOCAL  status SUCCESSFUL',
    ]);
    expect(summary).toMatch(/^Service deployment LOCAL succeeded \(status SUCCESSFUL\)\./);
    expect(code).toBe(0);
  });

  it('names the failed build and exits 1 when nothing was deployed', () => {
    const events: ReleaseLogEvent[] = [
      { at: AT, type: 'release', number: 3, commit: 'c'.repeat(40), controller: 'codedeploy' },
      { at: AT, type: 'queued', behind: 2 },
      { at: AT, type: 'stage', stage: 'Build', status: 'Failed', summary: 'npm test: exit 1' },
      { at: AT, type: 'verdict', verdict: 'failed', detail: 'Build failed: npm test: exit 1' },
    ];
    const { lines, summary, code } = follow(events);
    expect(lines).toContain('12:00:00  waiting to enter Build behind release 2');
    expect(lines).toContain('12:00:00  Build/TestAndBuildImage Failed: npm test: exit 1');
    expect(summary).toBe('Release failed: Build failed: npm test: exit 1');
    expect(code).toBe(1);
  });
});
