import { escapeHtml } from '../../experiment/escape-html';
import { productionTraffic } from '../../experiment/read-record';
import type { RehearsalResult } from '../rehearsal/rehearsal';

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

/** The plot's scales, for one rehearsal. */
interface Plot {
  readonly spanS: number;
  readonly plotW: number;
  readonly plotH: number;
  readonly x: (seconds: number) => number;
  readonly y: (requests: number) => number;
  readonly yPct: (percent: number) => number;
  readonly yMax: number;
}

function plotFor(result: RehearsalResult): Plot {
  const lastEventS = Math.max(0, ...result.events.map((e) => e.atMs / 1000));
  const spanS = Math.max(1, result.series.length, Math.ceil(lastEventS));
  const totals = result.series.map((s) => Object.values(s.requests).reduce((a, b) => a + b, 0));
  const yMax = Math.max(5, ...totals) * 1.15;
  const plotW = WIDTH - M.left - M.right;
  const plotH = HEIGHT - M.top - M.bottom;
  return {
    spanS,
    plotW,
    plotH,
    yMax,
    x: (s) => M.left + (s / spanS) * plotW,
    y: (v) => M.top + plotH - (v / yMax) * plotH,
    yPct: (p) => M.top + plotH - (p / 100) * plotH,
  };
}

function axes(plot: Plot, timeScale: number): string[] {
  const { x, y, yPct, plotW, plotH, spanS, yMax } = plot;
  const parts = [
    `<rect class="plot-area" x="${M.left}" y="${M.top}" width="${plotW}" height="${plotH}" fill="#fafafa" stroke="#ccc"/>`,
  ];
  for (let i = 0; i <= 4; i += 1) {
    const v = (yMax / 4) * i;
    parts.push(
      `<text x="${M.left - 6}" y="${fmt(y(v) + 4)}" text-anchor="end" font-size="11">${Math.round(v)}</text>`,
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
    `<text x="${M.left + plotW / 2}" y="${HEIGHT - 6}" text-anchor="middle" font-size="12">seconds since start (measured, time scale ${timeScale})</text>`,
  );
  return parts;
}

function errorBars(plot: Plot, result: RehearsalResult): string[] {
  const { x, y } = plot;
  const barW = Math.max(1, plot.plotW / plot.spanS - 2);
  return result.series.flatMap((s) => {
    const failed = Object.values(s.failed).reduce((a, b) => a + b, 0);
    return failed > 0
      ? [
          `<rect class="errors" x="${fmt(x(s.second) + 1)}" y="${fmt(y(failed))}" width="${fmt(barW)}" height="${fmt(y(0) - y(failed))}" fill="#d62728" opacity="0.75"><title>${failed} failed in second ${s.second}</title></rect>`,
        ]
      : [];
  });
}

function versionLines(plot: Plot, result: RehearsalResult, versions: readonly string[]): string[] {
  return versions.map((version) => {
    const points = result.series
      .map((s) => `${fmt(plot.x(s.second + 0.5))},${fmt(plot.y(s.requests[version] ?? 0))}`)
      .join(' ');
    return `<polyline class="series series-${escapeHtml(version.replace(/\W+/g, '-'))}" points="${points}" fill="none" stroke="${COLOURS[version] ?? '#999'}" stroke-width="2"/>`;
  });
}

function trafficLine(plot: Plot, result: RehearsalResult): string {
  const traffic = productionTraffic(result.events);
  const steps = traffic.flatMap((t, i) => {
    const next = traffic[i + 1]?.atMs ?? plot.spanS * 1000;
    return [
      `${fmt(plot.x(t.atMs / 1000))},${fmt(plot.yPct(t.green))}`,
      `${fmt(plot.x(next / 1000))},${fmt(plot.yPct(t.green))}`,
    ];
  });
  return `<polyline class="traffic" points="${steps.join(' ')}" fill="none" stroke="#7b3fa0" stroke-width="1.5" stroke-dasharray="6 4"/>`;
}

interface Marker {
  readonly atMs: number;
  readonly colour: string;
  readonly label: string;
  readonly cls: string;
  readonly row: number;
  readonly width?: number;
  readonly id?: string;
}

function markerSvg(plot: Plot, m: Marker): string {
  const mx = fmt(plot.x(m.atMs / 1000));
  return `<g class="${m.cls}"${m.id ? ` id="${m.id}"` : ''}><line x1="${mx}" x2="${mx}" y1="${M.top}" y2="${M.top + plot.plotH}" stroke="${m.colour}" stroke-width="${m.width ?? 1.5}"/><text x="${fmt(plot.x(m.atMs / 1000) + 3)}" y="${M.top + 12 + m.row * 13}" font-size="11" fill="${m.colour}">${escapeHtml(m.label)}</text><title>${escapeHtml(m.label)}</title></g>`;
}

/**
 * The deployment start, alarms, the hook and the end. Labels of markers that fall close together go on
 * separate rows; the rollback (or success) marker comes last so alarm lines at the same moment do not hide
 * it.
 */
function markers(result: RehearsalResult): Marker[] {
  const d = result.deployment;
  const list: Marker[] = [
    { atMs: d.startedAtMs, colour: '#444', label: 'deployment start', cls: 'phase-marker', row: 0, width: 1 },
  ];
  let row = 1;
  for (const e of result.events) {
    if (e.type === 'alarm' && e.state === 'ALARM')
      list.push({ atMs: e.atMs, colour: '#e07b00', label: e.alarm, cls: 'alarm-marker', row: row++ });
    if (e.type === 'hook') {
      const label = `hook ${e.ok ? 'Succeeded' : 'Failed'}`;
      list.push({ atMs: e.atMs, colour: '#7b3fa0', label, cls: 'hook-marker', row: row++ });
    }
    if (e.type === 'guard' && e.action === 'stopped')
      list.push({ atMs: e.atMs, colour: '#b00060', label: 'guard', cls: 'guard-marker', row: row++ });
    if (e.type === 'held')
      list.push({ atMs: e.atMs, colour: '#0b7285', label: 'held (gate)', cls: 'hold-marker', row: row++ });
    if (e.type === 'hold-released') {
      const label = `hold ended: ${e.by}`;
      list.push({ atMs: e.atMs, colour: '#0b7285', label, cls: 'hold-end-marker', row: row++ });
    }
    if (e.type === 'stopped-by-hand') {
      const label = `stopped by hand (${e.command})`;
      list.push({ atMs: e.atMs, colour: '#b00060', label, cls: 'hand-marker', row: row++ });
    }
  }
  const end =
    d.detectedAtMs !== undefined
      ? { atMs: d.detectedAtMs, colour: '#d62728', label: 'rollback', cls: 'rollback-marker' }
      : { atMs: d.finishedAtMs, colour: '#1a9e4b', label: 'succeeded', cls: 'success-marker' };
  list.push({ ...end, row: 0, width: 3, id: end.cls });
  return list;
}

function legend(versions: readonly string[]): string[] {
  const entries = [
    ...versions.map((v) => [COLOURS[v] ?? '#999', `${v} req/s`]),
    ['#d62728', 'failed req/s'],
    ['#7b3fa0', 'production share on green (right axis)'],
  ];
  return entries.map(
    ([colour, label], i) =>
      `<rect x="${M.left + 8 + i * 150}" y="4" width="10" height="10" fill="${colour}"/><text x="${M.left + 22 + i * 150}" y="13" font-size="11">${escapeHtml(label ?? '')}</text>`,
  );
}

/**
 * An inline SVG of the rehearsal: requests per second by answering version (lines), failed requests per
 * second (red bars), the share of production traffic on green (dashed step line, right axis), and
 * vertical markers for alarms, the hook and the rollback.
 */
export function timelineChart(result: RehearsalResult): string {
  const plot = plotFor(result);
  const versions = [...new Set(result.series.flatMap((s) => Object.keys(s.requests)))];
  const parts = [
    ...axes(plot, result.timeScale),
    ...errorBars(plot, result),
    ...versionLines(plot, result, versions),
    trafficLine(plot, result),
    ...markers(result).map((m) => markerSvg(plot, m)),
    ...legend(versions),
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" id="timeline-chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="Requests, errors and traffic split over the rehearsal" font-family="sans-serif">${parts.join('')}</svg>`;
}
