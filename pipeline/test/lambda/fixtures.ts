/**
 * What the tests of the hook, the guard and the watcher share, whichever controller they run under: a
 * stand-in for the test listener, the ARNs of one deployment, each controller's verbs over SDK clients that
 * `aws-sdk-client-mock` answers, and a hand-written fake of the verbs for the jobs' own logic.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { ECSClient } from '@aws-sdk/client-ecs';
import type { DeploymentControllerName } from '../../../contract/native-strategies';
import {
  ACTIVE_STATUSES,
  NATIVE_ACTIVE_STATUSES,
  type DeploymentView,
} from '../../../core/guard/guard-decision';
import type { AwsCall } from '../../lambda/aws-calls/call-within-budget';
import {
  CodeDeployControl,
  type CodeDeployControlDeps,
} from '../../lambda/deployment-control/codedeploy-control';
import type {
  DeploymentControl,
  StopResult,
  TaskDefinitionRef,
  WatchTarget,
} from '../../lambda/deployment-control/deployment-control';
import { EcsControl, type EcsControlDeps } from '../../lambda/deployment-control/ecs-control';

export const REGION = 'eu-west-1';
export const NEW_TD = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/app:8';
export const OLD_TD = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/app:7';
export const CLUSTER = 'arn:aws:ecs:eu-west-1:123456789012:cluster/c';
export const SERVICE_DEPLOYMENT = 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/c/svc/NEW';
export const GREEN_REVISION = 'arn:aws:ecs:eu-west-1:123456789012:service-revision/c/svc/green';
export const BLUE_REVISION = 'arn:aws:ecs:eu-west-1:123456789012:service-revision/c/svc/blue';

const quiet = (): void => undefined;

/** An AppSpec as CodePipeline sends it inline, naming `taskDefinition`. */
export const appSpec = (taskDefinition: string): string =>
  `version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      Properties:\n        TaskDefinition: ${taskDefinition}\n`;

/** An abnormal stop of a task of `taskDefinitionArn`, as the rule delivers it. */
export const stoppedTask = (taskDefinitionArn: string) => ({
  detail: {
    taskDefinitionArn,
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
  },
});

/** The error an AWS API throws while it throttles, as any copy of the SDK names it. */
export const throttled = (): Error =>
  Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

/** A Lambda context whose time runs out `ms` from now. */
export const endsIn = (ms: number) => {
  const endsAt = Date.now() + ms;
  return { getRemainingTimeInMillis: () => endsAt - Date.now() };
};

/** CodeDeploy's verbs for deployment group `group` of application `app`, over a client the test mocks. */
export const codeDeployControl = (overrides: Partial<CodeDeployControlDeps> = {}): CodeDeployControl =>
  new CodeDeployControl({
    codedeploy: new CodeDeployClient({ region: REGION }),
    deploymentGroup: { applicationName: 'app', deploymentGroupName: 'group' },
    log: quiet,
    ...overrides,
  });

/** ECS's verbs for service `svc` of {@link CLUSTER}, over a client the test mocks. */
export const ecsControl = (overrides: Partial<EcsControlDeps> = {}): EcsControl =>
  new EcsControl({
    ecs: new ECSClient({ region: REGION }),
    service: { clusterArn: CLUSTER, serviceName: 'svc' },
    log: quiet,
    now: Date.now,
    healthWindowMs: 20_000,
    callBackDelaySeconds: 5,
    ...overrides,
  });

/** A stand-in for the test listener on 127.0.0.1 whose behaviour each test sets; call it at file level. */
export function testListener() {
  let behaviour: http.RequestListener = (_req, res) => res.end();
  let server: http.Server;
  let url = '';
  beforeAll(async () => {
    server = http.createServer((req, res) => behaviour(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return {
    /** The listener's base URL; known once `beforeAll` ran. */
    url: () => url,
    behave: (next: http.RequestListener) => void (behaviour = next),
  };
}

/** Green serving `version`, with `/health` answering `healthStatus`. */
export const serving =
  (version: string, healthStatus = 200): http.RequestListener =>
  (req, res) => {
    res.setHeader('x-app-version', version);
    res.statusCode = req.url === '/health' ? healthStatus : 200;
    res.end('{}');
  };

/** One deployment the fake lists: its view, and whether a stop finds it already ending. */
export interface FakeDeployment {
  readonly view: DeploymentView;
  readonly alreadyEnding?: string;
}

/**
 * A hand-written fake of one controller's verbs: it lists the deployments it is given, says which one a
 * start event is about, and records every stop, so a job's logic is tested once for both names.
 */
export class FakeControl implements DeploymentControl {
  readonly stops: string[] = [];
  readonly activeStatuses: readonly string[];
  deployments: FakeDeployment[] = [];
  /** How many more `isInProgress` reads answer true. */
  inProgressReads = Number.POSITIVE_INFINITY;

  constructor(readonly name: DeploymentControllerName) {
    this.activeStatuses = name === 'codedeploy' ? ACTIVE_STATUSES : NATIVE_ACTIVE_STATUSES;
  }

  activeDeployments(call: AwsCall) {
    return call('list', () =>
      Promise.resolve(this.deployments.map((d) => ({ id: d.view.id, view: () => Promise.resolve(d.view) }))),
    );
  }

  deploymentToWatch(): Promise<WatchTarget> {
    const first = this.deployments[0];
    return Promise.resolve(first === undefined ? { none: 'nothing in progress' } : { id: first.view.id });
  }

  isInProgress(): Promise<boolean> {
    this.inProgressReads -= 1;
    return Promise.resolve(this.inProgressReads >= 0);
  }

  stopWithRollback(id: string, call: AwsCall): Promise<StopResult> {
    return call('stop', (): Promise<StopResult> => {
      const ending = this.deployments.find((d) => d.view.id === id)?.alreadyEnding;
      if (ending !== undefined) return Promise.resolve({ stopped: false, reason: ending });
      this.stops.push(id);
      return Promise.resolve({ stopped: true });
    });
  }

  expectedTaskDefinition(): Promise<TaskDefinitionRef> {
    return Promise.resolve({ unknownBecause: 'the fake names none' });
  }

  readHookEvent(): never {
    throw new Error('the fake answers no hook');
  }
}
