/**
 * Push to verdict: the seconds a person waits from `git push` to the release's verdict (the rollback
 * trigger, or the deployment's success), per fault and controller. The rollback model gives the part from
 * green tasks starting; this adds what comes before it. Where the time goes is in `docs/rollback-times.md`.
 *
 * Assumptions (none is documented by AWS; a drill measures them):
 * - CodePipeline's source action (CodeConnections, triggered by the push) has the commit's ZIP within
 *   `sourceSeconds`, and CodeBuild provisions a build container within `buildQueueSeconds`.
 * - The release build's phases take what `npm run rehearse:build` measured (`releaseBuild`; it runs
 *   `buildspec.yml` as CodeBuild does, on this repository's shared two-core machine).
 * - CodeDeploy's ECS action creates the deployment and its replacement task set within `deployStartSeconds`.
 *   Under the ECS controller the Deploy stage is a second CodeBuild build (`pipeline/release/deploy-native.ts`):
 *   a provisioned container, `npm ci` and `npm run build` (the measured install phase, and `compileSeconds`,
 *   which is assumed, not measured),
 *   then RegisterTaskDefinition and UpdateService.
 * - A green Fargate task is RUNNING and registered `greenStartSeconds` after the deployment creates it.
 */
import type { DeploymentControllerName } from '../../contract/native-strategies';
import type { RollbackPrediction } from './rollback-time';
import type { TimingInputs } from './timing-inputs';

/** The release build's phases as `npm run rehearse:build` measured them, in seconds. */
export interface ReleaseBuildPhases {
  /** `npm ci`. */
  readonly install: number;
  /** Lint, type check and the tests of what ships (`npm run test:release`), then the registry login. */
  readonly preBuild: number;
  /** The image build and push, `npm run build` and the release files. */
  readonly build: number;
}

/** What the loop before green takes. */
export interface ReleaseLoop {
  readonly sourceSeconds: number;
  readonly buildQueueSeconds: number;
  readonly releaseBuild: ReleaseBuildPhases;
  readonly compileSeconds: number;
  readonly deployStartSeconds: number;
  readonly greenStartSeconds: number;
}

/**
 * The loop this repository assumes. The build phases are one `npm run rehearse:build` (as `.ci/run` runs it)
 * of the release build that runs `npm run test:release`, on an otherwise idle two-core machine: a local
 * figure, not a CodeBuild measurement.
 */
export const DEFAULT_RELEASE_LOOP: ReleaseLoop = {
  sourceSeconds: 30,
  buildQueueSeconds: 30,
  releaseBuild: { install: 43, preBuild: 286, build: 102 },
  compileSeconds: 60,
  deployStartSeconds: 15,
  greenStartSeconds: 45,
};

/** Where one fault's push-to-verdict time goes, in seconds. */
export interface PushToVerdict {
  readonly source: number;
  readonly build: number;
  readonly deployStart: number;
  readonly greenStart: number;
  /** From green running to the verdict: the modelled rollback trigger, or the deployment's end. */
  readonly toVerdict: number;
  readonly total: number;
}

/** Seconds from green running to a successful deployment's end: healthy, the hook, the shift, the bake. */
const successSeconds = (t: TimingInputs, hookEndsAt: number): number =>
  hookEndsAt + t.trafficShiftSeconds + t.terminationWaitMinutes * 60;

/**
 * The push-to-verdict breakdown of one prediction. `hookEndsAt`: when the hook's burst is over (a
 * successful release waits for it before production moves).
 */
export function pushToVerdict(
  prediction: RollbackPrediction,
  t: TimingInputs,
  hookEndsAt: number,
  loop: ReleaseLoop = DEFAULT_RELEASE_LOOP,
): PushToVerdict {
  const b = loop.releaseBuild;
  const build = loop.buildQueueSeconds + b.install + b.preBuild + b.build;
  const deployStart = deployStartOf(t.controller, loop);
  const toVerdict = prediction.seconds ?? Math.ceil(successSeconds(t, hookEndsAt));
  const parts = {
    source: loop.sourceSeconds,
    build,
    deployStart,
    greenStart: loop.greenStartSeconds,
    toVerdict,
  };
  return { ...parts, total: Object.values(parts).reduce((sum, s) => sum + s, 0) };
}

function deployStartOf(controller: DeploymentControllerName, loop: ReleaseLoop): number {
  if (controller === 'codedeploy') return loop.deployStartSeconds;
  return loop.buildQueueSeconds + loop.releaseBuild.install + loop.compileSeconds + loop.deployStartSeconds;
}
