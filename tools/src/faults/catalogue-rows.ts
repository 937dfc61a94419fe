import { FAULT_CATALOGUE, FAULT_NAMES, type FaultSpec } from '../../../contract/faults/catalogue';
import { parseFaults } from '../../../contract/faults/parse-faults';
import { DEFAULT_CONTROLLER, type DeploymentControllerName } from '../../../contract/native-strategies';
import { settings } from '../../../contract/settings';
import {
  decidingPrediction,
  defaultReleaseContext,
  expectedRelease,
  expectedText,
  timingInputsFor,
  type DecidingSignal,
  type ExpectedRelease,
} from '../../../core/model/rollback-time';
import { flipToVerdict, pushToVerdict, type LoopToVerdict } from '../../../core/model/push-to-verdict';
import { DEFAULT_ASSUMPTIONS, signalPaths } from '../../../core/model/signal-paths';

/** One fault of the catalogue as the command line shows it. */
export interface CatalogueRow {
  readonly name: string;
  readonly valueKind: string;
  readonly defaultValue: string | null;
  readonly effect: string;
  readonly rehearsal: number | 'new';
  readonly expectedText: string;
  /** What a release with the fault at its default value should do, with this project's settings. */
  readonly expectedRelease: ExpectedRelease;
  /** The rehearsal model's worst-case seconds from green tasks starting to the rollback; null on success. */
  readonly modelledSeconds: number | null;
  /** The earliest signal, the one that decides the rollback; null on success. */
  readonly decidedBy: DecidingSignal | null;
  /** The controller the row's figures are for. */
  readonly controller: DeploymentControllerName;
  /** Modelled seconds from `git push` of a code change to the verdict (the rollback trigger, or the deployment's end). */
  readonly pushToVerdictSeconds: number;
  /** Where those seconds go. */
  readonly pushToVerdict: LoopToVerdict;
  /** The same for a flip-only commit, whose release build reuses the image of the commit's content key. */
  readonly flipToVerdictSeconds: number;
  /** Where those seconds go. */
  readonly flipToVerdict: LoopToVerdict;
}

/** The expected release for `name` or `name=value`, as the service would parse it. */
export function expectedReleaseFor(
  entry: string,
  controller: DeploymentControllerName = DEFAULT_CONTROLLER,
): ExpectedRelease {
  return expectedRelease(parseFaults(entry), { ...defaultReleaseContext(settings), controller });
}

/** The catalogue in its own order, each fault at its default value, modelled on `controller`. */
export function catalogueRows(controller: DeploymentControllerName = DEFAULT_CONTROLLER): CatalogueRow[] {
  const inputs = timingInputsFor({ ...defaultReleaseContext(settings), controller });
  const hookEndsAt = signalPaths(inputs, DEFAULT_ASSUMPTIONS).hookBurstEndsAt;
  return FAULT_NAMES.map((name) => {
    const spec = FAULT_CATALOGUE[name] as FaultSpec;
    const prediction = decidingPrediction(parseFaults(name), inputs)!;
    const push = pushToVerdict(prediction, inputs, hookEndsAt);
    const flip = flipToVerdict(prediction, inputs, hookEndsAt);
    return {
      name,
      valueKind: spec.valueKind,
      defaultValue: spec.defaultValue ?? null,
      effect: spec.effect,
      rehearsal: spec.rehearsal,
      expectedText: expectedText(name),
      expectedRelease: expectedReleaseFor(name, controller),
      modelledSeconds: prediction.seconds ?? null,
      decidedBy: prediction.decidedBy ?? null,
      controller,
      pushToVerdictSeconds: push.total,
      pushToVerdict: push,
      flipToVerdictSeconds: flip.total,
      flipToVerdict: flip,
    };
  });
}
