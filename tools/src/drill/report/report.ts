import path from 'node:path';
import type { DeploymentControllerName } from '../../../../contract/native-strategies';
import type { PipelineOutcome } from '../../codepipeline/follow-execution';
import type { WatchResult } from '../../aws/watch-deployment';
import type { NativeWatchResult } from '../../aws/watch-native';
import type { LoadResult } from '../../load/load-loop';
import type { Check } from '../preflight/preflight';
import { describeGateHypothesis, hypothesisFor, type Hypothesis } from './prediction';
import type { LoadPhases, PhaseStats } from './load-phases';
import { writeReport as writeExperimentReport, type ExperimentReport } from '../../experiment/report-writer';
import { describeEvent, type RehearsalEvent } from '../../experiment/rehearsal-event';
import type { ExperimentVerdict } from '../../experiment/verdict';

/** The experiment journal of one drill, written as report.json and report.md. */
export interface DrillReport {
  name: string;
  faults: string;
  startedAt: number;
  finishedAt: number;
  status:
    'completed' | 'preflight-failed' | 'not-triggered' | 'pipeline-failed' | 'no-deployment' | 'interrupted';
  preflight: Check[];
  hypothesis: Hypothesis;
  method: {
    albUrl?: string;
    load: { rate: number; concurrency: number; timeoutMs: number };
    commit?: string;
    pushed: boolean;
    /** The release pipeline's execution of the flip, when the drill followed it. */
    pipelineExecutionId?: string;
    deploymentId?: string;
    /** Who ran the deployment the drill followed. */
    controller?: DeploymentControllerName;
  };
  steadyBefore: PhaseStats;
  observations: {
    /** The drill's typed record: the person's steps and AWS's events, in milliseconds from its start. */
    events: RehearsalEvent[];
    /** The pipeline execution that ended before deploying: its status and failed action. */
    pipeline?: Extract<PipelineOutcome, { kind: 'ended' }>;
    /** Seconds from the push, and from green tasks running (the model's origin), to detection. */
    detection?: { fromPushSeconds?: number; fromGreenSeconds?: number };
    rollbackDoneFromPushSeconds?: number;
    during: PhaseStats;
    versions: Record<string, { firstAt: number; lastAt: number; requests: number }>;
    deployment?: WatchResult | NativeWatchResult;
    load?: Omit<LoadResult, 'series'> & { seconds: number };
  };
  steadyAfter: PhaseStats;
  /** Detection counts from green tasks running, the model's origin; absent until the drill judged. */
  verdict?: ExperimentVerdict;
  restore: { done: boolean; commit?: string; pushed?: boolean; note: string };
}

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const pct = (s: PhaseStats): string =>
  s.requests === 0 ? '-' : `${((100 * s.failed) / s.requests).toFixed(1)}%`;
const counts = (byKey: Record<string, number>): string =>
  Object.entries(byKey)
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ') || '-';
const PHASE_HEADER = ['phase', 'requests', 'failed', 'by status', 'by version'];
const phaseRow = (label: string, s: PhaseStats): string[] => [
  label,
  String(s.requests),
  `${s.failed} (${pct(s)})`,
  counts(s.byStatus),
  counts(s.byVersion),
];

function hypothesisLines(r: DrillReport): string[] {
  const p = r.hypothesis.prediction;
  const lines = [
    `With \`FAULTS=${r.faults}\` the release should be **${r.hypothesis.expected.outcome}**: ${r.hypothesis.expected.signal}.`,
  ];
  if (p?.seconds !== undefined)
    lines.push(
      `The rehearsal model (core/model) predicts the rollback trigger at most **${p.seconds} s** after green tasks start, by ${p.signal}.`,
    );
  else if (p) lines.push(`The rehearsal model predicts no rollback: ${p.signal}.`);
  const { gate } = r.hypothesis;
  if (gate) lines.push(`The gate (\`--gate ${gate.choice}\`): ${describeGateHypothesis(gate)}.`);
  return lines;
}

/** Drill steps that belong to the gate's story. */
const GATE_STEPS = new Set(['gate-probed', 'never-held', 'hold-ended-first', 'gate-answer-failed']);

/** The gate's part of the record, one line per moment: the hold, the probe and how the hold ended. */
function gateLines(r: DrillReport): string[] {
  const events = r.observations.events.filter(
    (e) =>
      e.type === 'held' ||
      e.type === 'hold-released' ||
      e.type === 'stopped-by-hand' ||
      (e.type === 'drill' && GATE_STEPS.has(e.action)),
  );
  const at = (ms: number): string => `${Math.round(ms / 1000)} s`;
  return events.length === 0
    ? ['- Nothing of the gate was recorded.']
    : events.map((e) => `- ${at(e.atMs)}: ${describeEvent(e)}`);
}

function observationLines(r: DrillReport): string[] {
  const d = r.observations.detection;
  const model = r.hypothesis.prediction?.seconds ?? '-';
  const lines = [
    d
      ? `- Detection: ${d.fromPushSeconds ?? '-'} s after the push, ${d.fromGreenSeconds ?? '-'} s after green tasks were running (model: ${model} s worst case).`
      : '- Nothing stopped the deployment.',
  ];
  if (r.observations.rollbackDoneFromPushSeconds !== undefined)
    lines.push(`- Rollback done ${r.observations.rollbackDoneFromPushSeconds} s after the push.`);
  const whatRuns = r.observations.deployment?.whatRuns;
  if (whatRuns)
    lines.push(
      whatRuns.ok
        ? `- What runs after the release: ${whatRuns.runs}, as expected, every task healthy where production goes.`
        : `- What runs after the release: **does not match** the reported outcome (${r.observations.deployment?.reportedOutcome ?? '-'}): expected ${whatRuns.expected}, runs ${whatRuns.runs}; ${whatRuns.problems.join('; ')}.`,
    );
  for (const [version, v] of Object.entries(r.observations.versions))
    lines.push(
      `- ${version}: ${v.requests} requests, first ${iso(v.firstAt).slice(11, 19)}, last ${iso(v.lastAt).slice(11, 19)}`,
    );
  const load = r.observations.load;
  if (load)
    lines.push(
      `- Latency over the whole run: p50 ${load.latency.p50Ms} ms, p90 ${load.latency.p90Ms} ms, p99 ${load.latency.p99Ms} ms, max ${load.latency.maxMs} ms; errors: connection ${load.errors.connection}, timeout ${load.errors.timeout}.`,
    );
  return lines;
}

function methodLines(r: DrillReport): string[] {
  const { method } = r;
  return [
    `- Load loop against ${method.albUrl ?? '-'}: ${method.load.rate} req/s, concurrency ${method.load.concurrency}, timeout ${method.load.timeoutMs} ms, from before the push to after the deployment ended.`,
    `- Flip committed: ${method.commit ?? '-'}; pushed by the drill: ${method.pushed ? 'yes' : 'no'}.`,
    `- Pipeline execution followed: ${method.pipelineExecutionId ?? '-'}.`,
    `- Deployment followed: ${method.deploymentId ?? '-'}${method.controller ? ` (${method.controller} controller)` : ''}.`,
  ];
}

/** The verdict of a drill that ended before it could judge: what was expected, nothing observed. */
function pendingVerdict(r: DrillReport): ExperimentVerdict {
  return {
    expected: r.hypothesis.expected,
    observed: r.status,
    matched: false,
    decidedBy: 'not judged: the drill ended early',
    ...(r.hypothesis.prediction && { modelled: r.hypothesis.prediction }),
  };
}

/** The drill as an experiment report, in the order of an experiment journal. */
export function drillReport(r: DrillReport): ExperimentReport {
  const verdict = r.verdict ?? pendingVerdict(r);
  return {
    title: `Rollback rehearsal on AWS (${r.faults})`,
    verdict,
    detectionBasis: 'measured on AWS, from green tasks running',
    facts: [
      ['faults', `\`${r.faults}\``],
      ['when', `${iso(r.startedAt)} to ${iso(r.finishedAt)}`],
      ['status', r.status],
    ],
    sections: [
      { title: 'Hypothesis', lines: hypothesisLines(r) },
      {
        title: 'Preflight',
        table: {
          header: ['check', 'result', 'detail'],
          rows: r.preflight.map((c) => [c.name, c.ok ? 'ok' : 'FAILED', c.detail]),
        },
      },
      {
        title: 'Steady state before',
        table: { header: PHASE_HEADER, rows: [phaseRow('before the push', r.steadyBefore)] },
      },
      { title: 'Method', lines: methodLines(r) },
      {
        title: 'Observations',
        timeline: true,
        lines: observationLines(r),
        table: { header: PHASE_HEADER, rows: [phaseRow('during the release', r.observations.during)] },
      },
      ...(r.hypothesis.gate ? [{ title: 'Gate', lines: gateLines(r) }] : []),
      {
        title: 'Steady state after',
        table: { header: PHASE_HEADER, rows: [phaseRow('after the deployment ended', r.steadyAfter)] },
      },
      {
        title: 'Expected vs observed',
        lines: [
          verdict.matched
            ? '**The hypothesis held.**'
            : '**The hypothesis did not hold**: look at the timeline above.',
        ],
      },
      {
        title: 'Restore',
        lines: [
          r.restore.done
            ? `FAULTS cleared in ${r.restore.commit ?? '-'}; pushed: ${r.restore.pushed ? 'yes' : 'no'}. ${r.restore.note}`
            : r.restore.note,
        ],
      },
    ],
    events: r.observations.events,
    record: r,
  };
}

/** Writes report.md, report.json and report.html into `dir` and returns the Markdown path. */
export async function writeReport(dir: string, report: DrillReport): Promise<string> {
  const [markdown] = await writeExperimentReport(dir, drillReport(report));
  return markdown ?? path.join(dir, 'report.md');
}

/** The report folder's name: date and time of the drill, then the faults (e.g. 2026-11-23-1402-error-rate). */
export function reportName(startedAt: number, faults: string): string {
  const stamp = new Date(startedAt).toISOString().slice(0, 16).replace('T', '-').replace(':', '');
  const slug = faults.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/-+$/, '');
  return `${stamp}-${slug}`;
}

/** The report of a drill that has only just started: every step after the preflight fills it in. */
export function emptyReport(
  faults: string,
  startedAt: number,
  load: DrillReport['method']['load'],
  phases: LoadPhases,
): DrillReport {
  const hypothesis = hypothesisFor(faults);
  return {
    name: reportName(startedAt, faults),
    faults,
    startedAt,
    finishedAt: startedAt,
    status: 'completed',
    preflight: [],
    hypothesis,
    method: { load, pushed: false },
    steadyBefore: phases.stats.before,
    observations: { events: [], during: phases.stats.during, versions: phases.versions },
    steadyAfter: phases.stats.after,
    restore: {
      done: false,
      note: 'FAULTS is still flipped on the branch; restore: npm run rehearse -- flip --clear --commit && git push',
    },
  };
}
