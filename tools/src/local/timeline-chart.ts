import { escapeHtml } from './escape-html';
import type { RehearsalResult } from './rehearsal';

const WIDTH = 960;
const HEIGHT = 360;
const M = { left: 48, right: 52, top: 24, bottom: 40 };
const COLOURS: Record<string, string> = {
  blue: '#1f6fd1',
  green: '#1a9e4b',
  'load-balancer': '#8a5a00',
  'no answer': '#555555',
};

const fmt = (n: number): string => (Math.round(n * 10) / 10).toString();

/**
 * An inline SVG of the rehearsal: requests per second by answering version (lines), failed requests per
 * second (red bars), the share of production traffic on green (dashed step line, right axis), and
 * vertical markers for alarms, the hook and the rollback.
 */
export function timelineChart(result: RehearsalResult): string {
  const lastEventS = Math.max(0, ...result.timeline.map((e) => e.atMs / 1000));
  const spanS = Math.max(1, result.series.length, Math.ceil(lastEventS));
  const totals = result.series.map((s) => Object.values(s.requests).reduce((a, b) => a + b, 0));
  const yMax = Math.max(5, ...totals) * 1.15;
  const plotW = WIDTH - M.left - M.right;
  const plotH = HEIGHT - M.top - M.bottom;
  const x = (s: number): number => M.left + (s / spanS) * plotW;
  const y = (v: number): number => M.top + plotH - (v / yMax) * plotH;
  const yPct = (p: number): number => M.top + plotH - (p / 100) * plotH;
  const parts: string[] = [];

  parts.push(
    `<rect class="plot-area" x="${M.left}" y="${M.top}" width="${plotW}" height="${plotH}" fill="#fafafa" stroke="#ccc"/>`,
  );
  for (let i = 0; i <= 4; i += 1) {
    const v = (yMax / 4) * i;
    parts.push(
      `<text x="${M.left - 6}" y="${fmt(y(v) + 4)}" text-anchor="end" font-size="11">${Math.round(v)}</text>`,
    );
    parts.push(
      `<text x="${WIDTH - M.right + 6}" y="${fmt(yPct(25 * i) + 4)}" font-size="11" fill="#7b3fa0">${25 * i}%</text>`,
    );
  }
  const tickEvery = Math.max(1, Math.ceil(spanS / 12));
  for (let s = 0; s <= spanS; s += tickEvery) {
    parts.push(
      `<text x="${fmt(x(s))}" y="${HEIGHT - M.bottom + 16}" text-anchor="middle" font-size="11">${s}s</text>`,
    );
  }
  parts.push(
    `<text x="${M.left + plotW / 2}" y="${HEIGHT - 6}" text-anchor="middle" font-size="12">seconds since start (measured, time scale ${result.timeScale})</text>`,
  );

  const barW = Math.max(1, plotW / spanS - 2);
  for (const s of result.series) {
    const failed = Object.values(s.failed).reduce((a, b) => a + b, 0);
    if (failed > 0) {
      parts.push(
        `<rect class="errors" x="${fmt(x(s.second) + 1)}" y="${fmt(y(failed))}" width="${fmt(barW)}" height="${fmt(y(0) - y(failed))}" fill="#d62728" opacity="0.75"><title>${failed} failed in second ${s.second}</title></rect>`,
      );
    }
  }
  const versions = [...new Set(result.series.flatMap((s) => Object.keys(s.requests)))];
  for (const version of versions) {
    const points = result.series
      .map((s) => `${fmt(x(s.second + 0.5))},${fmt(y(s.requests[version] ?? 0))}`)
      .join(' ');
    parts.push(
      `<polyline class="series series-${escapeHtml(version.replace(/\W+/g, '-'))}" points="${points}" fill="none" stroke="${COLOURS[version] ?? '#999'}" stroke-width="2"/>`,
    );
  }
  const steps: string[] = [];
  result.traffic.forEach((t, i) => {
    const next = result.traffic[i + 1]?.atMs ?? spanS * 1000;
    steps.push(
      `${fmt(x(t.atMs / 1000))},${fmt(yPct(t.green))}`,
      `${fmt(x(next / 1000))},${fmt(yPct(t.green))}`,
    );
  });
  parts.push(
    `<polyline class="traffic" points="${steps.join(' ')}" fill="none" stroke="#7b3fa0" stroke-width="1.5" stroke-dasharray="6 4"/>`,
  );

  const marker = (
    atMs: number,
    colour: string,
    label: string,
    cls: string,
    row: number,
    width = 1.5,
    id = '',
  ): void => {
    const mx = fmt(x(atMs / 1000));
    parts.push(
      `<g class="${cls}"${id ? ` id="${id}"` : ''}><line x1="${mx}" x2="${mx}" y1="${M.top}" y2="${M.top + plotH}" stroke="${colour}" stroke-width="${width}"/><text x="${fmt(x(atMs / 1000) + 3)}" y="${M.top + 12 + row * 13}" font-size="11" fill="${colour}">${escapeHtml(label)}</text><title>${escapeHtml(label)}</title></g>`,
    );
  };
  // Labels of markers that fall close together go on separate rows; the rollback (or success) marker is
  // drawn last so alarm lines at the same moment do not hide it.
  const d = result.deployment;
  marker(d.startedAtMs, '#444', 'deployment start', 'phase-marker', 0, 1);
  let row = 1;
  for (const e of result.timeline) {
    if (e.kind === 'alarm' && e.message.includes(' ALARM')) {
      marker(e.atMs, '#e07b00', e.message.split(' ')[0] ?? 'alarm', 'alarm-marker', row++);
    }
    if (e.kind === 'hook') marker(e.atMs, '#7b3fa0', e.message.split(':')[0] ?? 'hook', 'hook-marker', row++);
  }
  if (d.detectedAtMs !== undefined) {
    marker(d.detectedAtMs, '#d62728', 'rollback', 'rollback-marker', 0, 3, 'rollback-marker');
  } else {
    marker(d.finishedAtMs, '#1a9e4b', 'succeeded', 'success-marker', 0, 3, 'success-marker');
  }

  const legend = [
    ...versions.map((v) => [COLOURS[v] ?? '#999', `${v} req/s`]),
    ['#d62728', 'failed req/s'],
    ['#7b3fa0', 'production share on green (right axis)'],
  ];
  legend.forEach(([colour, label], i) => {
    parts.push(
      `<rect x="${M.left + 8 + i * 150}" y="4" width="10" height="10" fill="${colour}"/><text x="${M.left + 22 + i * 150}" y="13" font-size="11">${escapeHtml(label ?? '')}</text>`,
    );
  });

  return `<svg xmlns="http://www.w3.org/2000/svg" id="timeline-chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="Requests, errors and traffic split over the rehearsal" font-family="sans-serif">${parts.join('')}</svg>`;
}
