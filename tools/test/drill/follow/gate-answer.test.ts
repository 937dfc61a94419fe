import {
  CodeDeployClient,
  ContinueDeploymentCommand,
  ListDeploymentsCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { mockClient } from 'aws-sdk-client-mock';
import type { EventInput } from '../../../src/experiment/rehearsal-event';
import { describeProbe, GateAnswer, probeGreen } from '../../../src/drill/follow/gate-answer';
import { testAwsClients } from '../../helpers/aws-deps';
import { APPLICATION, DEPLOYMENT_GROUP } from '../../helpers/codedeploy-fixtures';
import { freePort, startServer } from '../../helpers/local-server';

const codeDeploy = mockClient(CodeDeployClient);
const TARGET = {
  controller: 'codedeploy',
  group: { application: APPLICATION, deploymentGroup: DEPLOYMENT_GROUP },
} as const;

describe("drill --gate's answer at the hold", () => {
  beforeEach(() => codeDeploy.reset());

  it('says the hold ended before it answered, and calls nothing, when nothing is held any more', async () => {
    codeDeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
    const green = await startServer((_req, res) => res.end('{}'));
    const events: EventInput[] = [];
    const answer = new GateAnswer({
      aws: testAwsClients(),
      target: TARGET,
      testUrl: green.url,
      choice: 'rollback',
      record: (event) => events.push(event),
    });

    answer.onHeld();
    answer.onHeld();
    await answer.settle(() => 'unused');
    await green.close();

    expect(green.seen()).toBe(6);
    expect(events.map((e) => (e.type === 'drill' ? e.action : e.type))).toEqual([
      'gate-probed',
      'hold-ended-first',
    ]);
    expect(codeDeploy.commandCalls(StopDeploymentCommand)).toHaveLength(0);
    expect(codeDeploy.commandCalls(ContinueDeploymentCommand)).toHaveLength(0);
  });

  it('says the release never held, and what decided, when the watch never saw a hold', async () => {
    const events: EventInput[] = [];
    const answer = new GateAnswer({
      aws: testAwsClients(),
      target: TARGET,
      testUrl: 'http://127.0.0.1:1/',
      choice: 'continue',
      record: (event) => events.push(event),
    });

    await answer.settle(() => 'target-health watcher');

    expect(events).toEqual([
      { type: 'drill', action: 'never-held', detail: 'decided by target-health watcher' },
    ]);
  });

  it('leaves the hold to the person once the drill is interrupted, calling nothing', async () => {
    const green = await startServer((_req, res) => res.end('{}'));
    const interrupt = new AbortController();
    const events: EventInput[] = [];
    const answer = new GateAnswer({
      aws: testAwsClients(),
      target: TARGET,
      testUrl: green.url,
      choice: 'continue',
      record: (event) => events.push(event),
      signal: interrupt.signal,
    });

    answer.onHeld();
    interrupt.abort();
    await answer.settle(() => 'unused');
    await green.close();

    expect(events.at(-1)).toMatchObject({
      type: 'note',
      text: expect.stringContaining('npm run rehearse -- continue'),
    });
    expect(codeDeploy.calls()).toHaveLength(0);
  });

  it('records a probe that reaches nothing as errors, not as a crash', async () => {
    const port = await freePort();
    const answers = await probeGreen(`http://127.0.0.1:${port}`, fetch, 1000);

    expect(answers).toHaveLength(6);
    expect(answers.every((a) => a.error !== undefined && a.status === undefined)).toBe(true);
    expect(describeProbe(answers.slice(0, 1))).toMatch(/^\/ \S/);
  });
});
