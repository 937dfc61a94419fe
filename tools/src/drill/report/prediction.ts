import { parseFaults } from '../../../../contract/faults/parse-faults';
import { DEFAULT_CONTROLLER, type DeploymentControllerName } from '../../../../contract/native-strategies';
import { settings } from '../../../../contract/settings';
import { gateTimes, type GateHold, type GateTimes } from '../../../../core/model/gate-time';
import {
  defaultReleaseContext,
  expectedRelease,
  timingInputsFromSettings,
  type ExpectedRelease,
  type RollbackPrediction,
} from '../../../../core/model/rollback-time';
import { DEFAULT_ASSUMPTIONS, signalPaths } from '../../../../core/model/signal-paths';
import type { GateChoice } from '../../experiment/rehearsal-event';
import { CONTROLLER_NAME } from '../../local/controllers/controller-label';
import { modelledAwsTime } from '../../local/result/aws-model';

/** `drill --gate`: what the drill does at the hold, the hold as deployed, and what the model says of it. */
export interface GateHypothesis {
  readonly choice: GateChoice;
  readonly hold: GateHold;
  /** Seconds from green running (`core/model/gate-time.ts`). */
  readonly times: GateTimes;
  /**
   * When the drill's answer takes effect at the earliest: it answers as soon as it sees the hold, and the
   * controller also waits for the test-traffic hook, which runs during the hold.
   */
  readonly answerTakesEffectAtSeconds: number;
}

/** The drill's hypothesis: what the release should do, and how fast the pipeline should notice. */
export interface Hypothesis {
  readonly faults: string;
  readonly expected: ExpectedRelease;
  /** The controller the hypothesis is about: the one the stack was deployed with. */
  readonly controller: DeploymentControllerName;
  /** The rehearsal model's deciding prediction: the fault whose signal tells the controller first. */
  readonly prediction?: RollbackPrediction;
  readonly gate?: GateHypothesis;
}

/** The gate's times from the same timing model as the prediction; the answer comes once the hook has ended. */
function gateHypothesis(
  controller: DeploymentControllerName,
  gate: { readonly choice: GateChoice; readonly hold: GateHold },
): GateHypothesis {
  const paths = signalPaths(timingInputsFromSettings(settings, undefined, controller), DEFAULT_ASSUMPTIONS);
  const times = gateTimes(controller, gate.hold, paths.hookStartsAt, paths.hookBurstEndsAt);
  return {
    ...gate,
    times,
    answerTakesEffectAtSeconds: Math.round(Math.max(times.holdStartsAt, paths.hookBurstEndsAt)),
  };
}

/**
 * A release the model lets through, taken back at the gate, ends rolled back; one the model rolls back
 * is caught before the hold ends (`gate-time.ts`), whatever the drill answers.
 */
function expectedAtGate(expected: ExpectedRelease, gate: GateHypothesis | undefined): ExpectedRelease {
  if (gate?.choice !== 'rollback' || expected.outcome !== 'succeeded') return expected;
  return {
    outcome: 'rolled-back',
    signal: `green passes every check and is held; the drill takes it back at the gate (${expected.signal})`,
  };
}

/**
 * Builds the hypothesis for a normalized FAULTS value, from the rehearsal model with the shared settings
 * and the controller the release runs under, and with `gate` what the drill does at the hold.
 */
export function hypothesisFor(
  faults: string,
  controller: DeploymentControllerName = DEFAULT_CONTROLLER,
  gate?: { readonly choice: GateChoice; readonly hold: GateHold },
): Hypothesis {
  const active = parseFaults(faults);
  // The same prediction a local rehearsal of these faults is set against.
  const prediction = modelledAwsTime(active, undefined, controller);
  const atGate = gate && gateHypothesis(controller, gate);
  return {
    faults,
    controller,
    expected: expectedAtGate(expectedRelease(active, { ...defaultReleaseContext(), controller }), atGate),
    ...(prediction && { prediction }),
    ...(atGate && { gate: atGate }),
  };
}

const UNANSWERED: Record<GateTimes['unanswered'], string> = {
  stopped: 'CodeDeploy stops it',
  'rolled-back': 'ECS rolls it back',
  'goes-on': 'ECS lets it go on',
};

/** The gate's part of the hypothesis, in words: when it holds, when the drill answers, and the hold's end. */
export function describeGateHypothesis(gate: GateHypothesis): string {
  const { times } = gate;
  return `held from about ${Math.round(times.holdStartsAt)} s after green runs; the drill probes green and answers ${gate.choice} as soon as it sees the hold, in effect from about ${gate.answerTakesEffectAtSeconds} s (the test-traffic hook has ended); unanswered, ${UNANSWERED[times.unanswered]} at ${Math.round(times.expiresAt)} s`;
}

/** The hypothesis as the drill says it before the push. */
export function hypothesisLines(hypothesis: Hypothesis): string[] {
  const { expected, prediction, controller, gate } = hypothesis;
  const lines = [
    `== Hypothesis (${CONTROLLER_NAME[controller]})`,
    `  FAULTS=${hypothesis.faults}: expected ${expected.outcome} (${expected.signal})`,
  ];
  if (prediction?.seconds !== undefined)
    lines.push(
      `  predicted: rollback triggered at most ${prediction.seconds} s after green tasks start (${prediction.signal})`,
    );
  else if (prediction) lines.push(`  predicted: no rollback (${prediction.signal})`);
  if (gate) lines.push(`  gate: ${describeGateHypothesis(gate)}`);
  return lines;
}
