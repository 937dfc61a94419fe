import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { WatchResult } from '../aws/watch-deployment';
import type { LoadResult } from '../load/load-loop';
import type { Check } from './preflight';
import type { Hypothesis } from './prediction';
import type { PhaseStats } from './load-phases';
import type { TimelineEntry } from './timeline';

/** The experiment journal of one drill, written as report.json and report.md. */
export interface DrillReport {
  name: string;
  faults: string;
  startedAt: number;
  finishedAt: number;
  status: 'completed' | 'preflight-failed' | 'no-deployment' | 'interrupted';
  preflight: Check[];
  hypothesis: Hypothesis;
  method: {
    albUrl?: string;
    load: { rate: number; concurrency: number; timeoutMs: number };
    commit?: string;
    pushed: boolean;
    deploymentId?: string;
  };
  steadyBefore: PhaseStats;
  observations: {
    timeline: TimelineEntry[];
    /** Seconds from the push, and from green tasks running (the model's origin), to detection. */
    detection?: { fromPushSeconds?: number; fromGreenSeconds?: number };
    rollbackDoneFromPushSeconds?: number;
    during: PhaseStats;
    versions: Record<string, { firstAt: number; lastAt: number; requests: number }>;
    deployment?: WatchResult;
    load?: Omit<LoadResult, 'series'> & { seconds: number };
  };
  steadyAfter: PhaseStats;
  verdict: {
    expectedOutcome: string;
    observedOutcome?: string;
    matched: boolean;
    predictedSeconds?: number;
    observedSeconds?: number;
  };
  restore: { done: boolean; commit?: string; pushed?: boolean; note: string };
}

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const pct = (s: PhaseStats): string =>
  s.requests === 0 ? '-' : `${((100 * s.failed) / s.requests).toFixed(1)}%`;
const counts = (byKey: Record<string, number>): string =>
  Object.entries(byKey)
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ') || '-';

function phaseRow(label: string, s: PhaseStats): string {
  return `| ${label} | ${s.requests} | ${s.failed} (${pct(s)}) | ${counts(s.byStatus)} | ${counts(s.byVersion)} |`;
}

/** The report as Markdown, in the order of an experiment journal. */
export function renderReport(r: DrillReport): string {
  const lines: string[] = [];
  const push = (...more: string[]): void => {
    lines.push(...more);
  };
  push(
    `# Rollback rehearsal: ${r.faults}`,
    '',
    `${iso(r.startedAt)} to ${iso(r.finishedAt)}, status: **${r.status}**`,
    '',
  );
  push('## Hypothesis', '');
  push(
    `With \`FAULTS=${r.faults}\` the release should be **${r.hypothesis.expected.outcome}**: ${r.hypothesis.expected.signal}.`,
  );
  const p = r.hypothesis.prediction;
  if (p?.seconds !== undefined) {
    push(
      `The timing model (tools/src/model/rollback-time.ts) predicts the rollback trigger at most **${p.seconds} s** after green tasks start, by ${p.signal}.`,
    );
  } else if (p) {
    push(`The timing model predicts no rollback: ${p.signal}.`);
  }
  push('', '## Preflight', '', '| check | result | detail |', '|---|---|---|');
  for (const c of r.preflight)
    push(`| ${c.name} | ${c.ok ? 'ok' : 'FAILED'} | ${c.detail.replace(/\n/g, ' ')} |`);
  push(
    '',
    '## Steady state before',
    '',
    '| phase | requests | failed | by status | by version |',
    '|---|---|---|---|---|',
  );
  push(phaseRow('before the push', r.steadyBefore));
  push('', '## Method', '');
  push(
    `- Load loop against ${r.method.albUrl ?? '-'}: ${r.method.load.rate} req/s, concurrency ${r.method.load.concurrency}, timeout ${r.method.load.timeoutMs} ms, from before the push to after the deployment ended.`,
  );
  push(
    `- Flip committed: ${r.method.commit ?? '-'}; pushed by the drill: ${r.method.pushed ? 'yes' : 'no'}.`,
  );
  push(`- Deployment followed: ${r.method.deploymentId ?? '-'}.`);
  push('', '## Observations', '', '| time (UTC) | event | detail |', '|---|---|---|');
  for (const e of r.observations.timeline)
    push(
      `| ${iso(e.at).slice(11, 19)} | ${e.label} | ${(e.detail ?? '').replace(/\|/g, '/').replace(/\n/g, ' ')} |`,
    );
  const d = r.observations.detection;
  push('');
  if (d) {
    push(
      `- Detection: ${d.fromPushSeconds ?? '-'} s after the push, ${d.fromGreenSeconds ?? '-'} s after green tasks were running (model: ${p?.seconds ?? '-'} s worst case).`,
    );
  } else {
    push('- Nothing stopped the deployment.');
  }
  if (r.observations.rollbackDoneFromPushSeconds !== undefined)
    push(`- Rollback done ${r.observations.rollbackDoneFromPushSeconds} s after the push.`);
  push(
    '',
    'What users saw (the load loop, by phase):',
    '',
    '| phase | requests | failed | by status | by version |',
    '|---|---|---|---|---|',
  );
  push(phaseRow('during the release', r.observations.during));
  push('', 'Versions seen:', '');
  for (const [version, v] of Object.entries(r.observations.versions)) {
    push(
      `- ${version}: ${v.requests} requests, first ${iso(v.firstAt).slice(11, 19)}, last ${iso(v.lastAt).slice(11, 19)}`,
    );
  }
  const load = r.observations.load;
  if (load)
    push(
      '',
      `Latency over the whole run: p50 ${load.latency.p50Ms} ms, p90 ${load.latency.p90Ms} ms, p99 ${load.latency.p99Ms} ms, max ${load.latency.maxMs} ms; errors: connection ${load.errors.connection}, timeout ${load.errors.timeout}.`,
    );
  push(
    '',
    '## Steady state after',
    '',
    '| phase | requests | failed | by status | by version |',
    '|---|---|---|---|---|',
  );
  push(phaseRow('after the deployment ended', r.steadyAfter));
  push('', '## Expected vs observed', '', '| | expected | observed |', '|---|---|---|');
  push(`| outcome | ${r.verdict.expectedOutcome} | ${r.verdict.observedOutcome ?? '-'} |`);
  push(
    `| seconds to rollback trigger (from green) | ${r.verdict.predictedSeconds ?? '-'} | ${r.verdict.observedSeconds ?? '-'} |`,
  );
  push(
    '',
    r.verdict.matched
      ? '**The hypothesis held.**'
      : '**The hypothesis did not hold**: look at the timeline and the alarms above.',
  );
  push(
    '',
    '## Restore',
    '',
    r.restore.done
      ? `FAULTS cleared in ${r.restore.commit ?? '-'}; pushed: ${r.restore.pushed ? 'yes' : 'no'}. ${r.restore.note}`
      : r.restore.note,
    '',
  );
  return lines.join('\n');
}

/** Writes report.json and report.md into `dir` and returns the Markdown path. */
export async function writeReport(dir: string, report: DrillReport): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  const markdown = path.join(dir, 'report.md');
  await writeFile(markdown, renderReport(report));
  return markdown;
}

/** The report folder's name: date and time of the drill, then the faults (e.g. 2026-11-23-1402-error-rate). */
export function reportName(startedAt: number, faults: string): string {
  const stamp = new Date(startedAt).toISOString().slice(0, 16).replace('T', '-').replace(':', '');
  const slug = faults.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/-+$/, '');
  return `${stamp}-${slug}`;
}
