import { escapeHtml } from '../../experiment/escape-html';
import type { SuiteRun } from '../plan/suite-run';

/** The narrowest label column; it grows with the longest label so none is cut at the chart's left edge. */
const LABEL_W = 190;
/** About the width of one character of the labels' 12px sans-serif. */
const CHAR_W = 6.6;
const PANEL_W = 300;
const GAP = 40;
const ROW_H = 24;
const TOP = 40;
const BOTTOM = 30;

interface Bar {
  readonly label: string;
  readonly measuredS?: number;
  readonly modelledS?: number;
}

function bars(runs: readonly SuiteRun[]): Bar[] {
  return runs.flatMap((run): Bar[] => {
    if (run.state !== 'done') return [];
    const detection = run.result.detectedAwsSeconds;
    const modelled = run.result.modelledAws?.seconds;
    if (detection === undefined && modelled === undefined) return [];
    return [
      {
        label: run.entry.name,
        ...(detection !== undefined && { measuredS: detection }),
        ...(modelled !== undefined && { modelledS: modelled }),
      },
    ];
  });
}

/** A panel's bars; both panels share one scale (AWS seconds), so their lengths compare. */
function panel(
  rows: readonly Bar[],
  x0: number,
  pick: (b: Bar) => number | undefined,
  css: string,
  title: string,
): string {
  const max = Math.max(1, ...rows.flatMap((b) => [b.measuredS ?? 0, b.modelledS ?? 0]));
  const parts = [`<text x="${x0}" y="${TOP - 18}" class="panel-title">${escapeHtml(title)}</text>`];
  rows.forEach((b, i) => {
    const value = pick(b);
    const y = TOP + i * ROW_H;
    if (value === undefined) {
      parts.push(`<text x="${x0 + 4}" y="${y + 15}" class="none">none</text>`);
      return;
    }
    const w = Math.max(1, (value / max) * PANEL_W);
    parts.push(
      `<rect class="${css}" x="${x0}" y="${y + 4}" width="${w.toFixed(1)}" height="${ROW_H - 8}"><title>${escapeHtml(`${b.label}: ${value.toFixed(1)} s`)}</title></rect>`,
      `<text x="${(x0 + w + 4).toFixed(1)}" y="${y + 16}" class="value">${value.toFixed(1)} s</text>`,
    );
  });
  const axisY = TOP + rows.length * ROW_H + 4;
  parts.push(
    `<line x1="${x0}" y1="${axisY}" x2="${x0 + PANEL_W}" y2="${axisY}" class="axis"/>`,
    `<text x="${x0}" y="${axisY + 16}" class="tick">0</text>`,
    `<text x="${x0 + PANEL_W}" y="${axisY + 16}" class="tick" text-anchor="end">${max.toFixed(0)} s</text>`,
  );
  return parts.join('');
}

/**
 * An SVG with one row per rehearsal that has a detection time or a modelled one: on the left the measured
 * time to detection converted to AWS seconds, on the right the model's AWS worst case, on one scale.
 */
export function detectionChart(runs: readonly SuiteRun[], timeScale: number): string {
  const rows = bars(runs);
  const labelW = Math.max(LABEL_W, Math.ceil(16 + CHAR_W * Math.max(0, ...rows.map((b) => b.label.length))));
  // Room on the right for the longest bar's value label.
  const width = labelW + 2 * PANEL_W + 2 * GAP + 70;
  const height = TOP + rows.length * ROW_H + BOTTOM;
  const labels = rows
    .map(
      (b, i) =>
        `<text x="${labelW - 8}" y="${TOP + i * ROW_H + 16}" text-anchor="end" class="label">${escapeHtml(b.label)}</text>`,
    )
    .join('');
  return `<svg id="detection-chart" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Measured time to detection against the modelled AWS worst case, per rehearsal">
<style>.label,.value,.tick,.none{font:12px sans-serif;fill:#333}.panel-title{font:bold 12px sans-serif;fill:#222}.bar-measured{fill:#1f77b4}.bar-modelled{fill:#ff7f0e}.axis{stroke:#999}.none{fill:#999}</style>
${labels}${panel(rows, labelW, (b) => b.measuredS, 'bar-measured', `detection, in AWS s (time scale ${timeScale})`)}${panel(rows, labelW + PANEL_W + GAP * 2, (b) => b.modelledS, 'bar-modelled', 'modelled AWS worst case')}
</svg>`;
}
