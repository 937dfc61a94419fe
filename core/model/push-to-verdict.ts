/**
 * The two loops before a verdict, per fault and controller: from `git push` of a code change
 * (`pushToVerdict`) and of a flip-only commit, one that changes only `FAULTS` in `taskdef.json`
 * (`flipToVerdict`), to the release's verdict (the rollback trigger, or the deployment's success). The
 * rollback model gives the part from green tasks running; this adds what comes before it. Where the time
 * goes is in `docs/rollback-times.md`.
 *
 * Assumptions (none is documented by AWS; a drill measures them):
 * - CodePipeline's source action (CodeConnections, triggered by the push) has the commit's ZIP within
 *   `sourceSeconds`, and CodeBuild provisions a build container within `buildQueueSeconds`, for either kind
 *   of commit.
 * - The release build's phases take what `npm run rehearse:build` measured: the whole build for a code change
 *   (`pushBuild`), and for a flip-only commit the build that finds the image of the commit's content key and
 *   reuses it, skipping `npm ci`, lint, type check, the release tests and the image build (`flipBuild`).
 *   Both ran `buildspec.yml` as CodeBuild does, on this repository's shared two-core machine.
 * - The Deploy stage starts the deployment within `deployStartSeconds` of the build's end, per controller
 *   (`DEPLOY_START_SECONDS`).
 * - A green Fargate task is RUNNING and registered `greenStartSeconds` after the deployment creates it.
 */
import type { DeploymentControllerName } from '../../contract/native-strategies';
import type { RollbackPrediction } from './rollback-time';
import type { TimingInputs } from './timing-inputs';

/** The release build's phases as `npm run rehearse:build` measured them, in seconds. */
export interface ReleaseBuildPhases {
  /** The build variables, the content key and its look-up, then `npm ci` unless the key's image is reused. */
  readonly install: number;
  /** Lint, type check and the tests of what ships (`npm run test:release`), then the registry login. */
  readonly preBuild: number;
  /** The image build and push (or the reused image), the release files and the image's tags. */
  readonly build: number;
}

/** What the loop before green takes. */
export interface ReleaseLoop {
  readonly sourceSeconds: number;
  readonly buildQueueSeconds: number;
  /** A commit that changes code: the whole release build. */
  readonly pushBuild: ReleaseBuildPhases;
  /** A flip-only commit: the release build that reuses the image of the commit's content key. */
  readonly flipBuild: ReleaseBuildPhases;
  readonly deployStartSeconds: Readonly<Record<DeploymentControllerName, number>>;
  readonly greenStartSeconds: number;
}

/**
 * Seconds from the release build's end until the deployment has created green's tasks, per controller.
 * Assumed, not measured: AWS documents no start latency for either action.
 * - `codedeploy`: CodePipeline's "Amazon ECS and CodeDeploy blue-green" deploy action registers the task
 *   definition and creates the CodeDeploy deployment, which creates the replacement task set.
 * - `ecs`: the Deploy stage is CodePipeline's Lambda invoke action (CodePipeline User Guide, "AWS Lambda invoke
 *   action reference"; `pipeline/lambda/native-deploy`), a function that reads the release artifact,
 *   registers the task definition and calls UpdateService; ECS then runs its own blue/green deployment. The
 *   function's part is a cold start at most, which "varies from under 100 ms to over 1 second" (AWS Lambda
 *   Operator Guide, "Lambda execution environments", "Cold starts and latency"), then an S3 read and about ten ECS,
 *   Elastic Load Balancing and CloudWatch calls: a few seconds. The rest is CodePipeline's stage transition and
 *   invocation, which neither that page nor "Quotas in AWS CodePipeline" (a 20-minute reply timeout, 24 hours
 *   in all) gives, so it keeps CodeDeploy's allowance. It replaces the second CodeBuild build (a provisioned
 *   container, `npm ci`, `npm run build`) that took 148 s in this model before ECS started.
 */
export const DEPLOY_START_SECONDS: Readonly<Record<DeploymentControllerName, number>> = {
  codedeploy: 15,
  ecs: 15,
};

/**
 * The loop this repository assumes, with each build phase rounded up to the second. `pushBuild`: install
 * and pre_build from `.ci/run`'s `npm run rehearse:build` of a clean clone of this repository (the release
 * build that runs `npm run test:release`) on an otherwise idle two-core machine, on 6 December 2026; build
 * from the earlier idle run before content keys, whose image build was cold (the later run's found podman's
 * layers from the container step just before it). docs/release-build.md, "Measured", gives both runs.
 * `flipBuild`: `npm run rehearse:build -- --registry DIR` of a commit made by `npm run rehearse -- flip
 * health-fail --commit`, its content key's image already in the registry, on the same machine under load
 * (docs/rollback-times.md, "Push and flip to verdict", gives the runs). Local figures, not CodeBuild
 * measurements.
 */
export const DEFAULT_RELEASE_LOOP: ReleaseLoop = {
  sourceSeconds: 30,
  buildQueueSeconds: 30,
  pushBuild: { install: 24, preBuild: 112, build: 102 },
  flipBuild: { install: 1, preBuild: 1, build: 3 },
  deployStartSeconds: DEPLOY_START_SECONDS,
  greenStartSeconds: 45,
};

/** Which commit starts the loop: a code change, or a flip-only commit. */
export type ReleaseCommit = 'push' | 'flip';

/** Where one fault's seconds from a push to the verdict go. */
export interface LoopToVerdict {
  readonly source: number;
  readonly buildQueue: number;
  /** The release build's phases, summed. */
  readonly build: number;
  readonly deployStart: number;
  readonly greenStart: number;
  /** Everything before green tasks are running, where the rollback model's clock starts: the parts above. */
  readonly beforeGreen: number;
  /** From green running to the verdict: the modelled rollback trigger, or the deployment's end. */
  readonly toVerdict: number;
  readonly total: number;
}

/** Seconds from green running to a successful deployment's end: healthy, the hook, the shift, the bake. */
const successSeconds = (t: TimingInputs, hookEndsAt: number): number =>
  hookEndsAt + t.trafficShiftSeconds + t.terminationWaitMinutes * 60;

const sum = (phases: ReleaseBuildPhases): number => phases.install + phases.preBuild + phases.build;

/**
 * The breakdown of one prediction's loop, started by `commit`. `hookEndsAt`: when the hook's burst is over
 * (a successful release waits for it before production moves).
 */
export function loopToVerdict(
  commit: ReleaseCommit,
  prediction: RollbackPrediction,
  t: TimingInputs,
  hookEndsAt: number,
  loop: ReleaseLoop = DEFAULT_RELEASE_LOOP,
): LoopToVerdict {
  const before = {
    source: loop.sourceSeconds,
    buildQueue: loop.buildQueueSeconds,
    build: sum(commit === 'push' ? loop.pushBuild : loop.flipBuild),
    deployStart: loop.deployStartSeconds[t.controller],
    greenStart: loop.greenStartSeconds,
  };
  const beforeGreen = Object.values(before).reduce((total, s) => total + s, 0);
  const toVerdict = prediction.seconds ?? Math.ceil(successSeconds(t, hookEndsAt));
  return { ...before, beforeGreen, toVerdict, total: beforeGreen + toVerdict };
}

/** The loop of a code change: the whole release build. */
export const pushToVerdict = (
  prediction: RollbackPrediction,
  t: TimingInputs,
  hookEndsAt: number,
  loop: ReleaseLoop = DEFAULT_RELEASE_LOOP,
): LoopToVerdict => loopToVerdict('push', prediction, t, hookEndsAt, loop);

/** The loop of a flip-only commit: the build reuses the image of the commit's content key. */
export const flipToVerdict = (
  prediction: RollbackPrediction,
  t: TimingInputs,
  hookEndsAt: number,
  loop: ReleaseLoop = DEFAULT_RELEASE_LOOP,
): LoopToVerdict => loopToVerdict('flip', prediction, t, hookEndsAt, loop);
