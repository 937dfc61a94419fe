import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../test/support/free-port';
import { settings } from '../../contract/settings';
import { onCores, pinCpus, type CpuPinning } from './cpu-pinning';
import { BENCH_HELP, parseBenchOptions, relevantHelp, UsageError, type BenchOptions } from './bench-options';

// `npm run bench`: the built service against a bare Express 5 app with the same routes, side by side in
// one run on loopback (machines are noisy: the ratios are the figures to read, not the absolute numbers).

const WARMUP_SECONDS = 1;
/** Gap between readiness polls: fine enough to time, sparse enough not to steal the starting process's CPU. */
const POLL_MS = 5;
/** The service's targets: throughput on `/` at least this share of bare Express, ready within this multiple. */
const TARGET_THROUGHPUT_RATIO = 0.8;
const TARGET_READY_RATIO = 1.25;

const SERVICE_ENTRY = path.resolve(__dirname, '../src/server.js');
const BARE_ENTRY = path.resolve(__dirname, 'bare-server.js');
const ROUTES = ['/', settings.container.healthPath] as const;
const TARGETS = ['service', 'bare'] as const;

type Target = (typeof TARGETS)[number];

interface Sample {
  rps: number;
  p50: number;
  p99: number;
  /** Server CPU time per request in microseconds; steadier than req/s on a shared machine. */
  cpuUs: number | undefined;
}

/** Where the output goes; stderr gets progress, stdout the result. */
export interface BenchIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** User plus system CPU time of a process in microseconds, from /proc (Linux); undefined elsewhere. */
function cpuTimeUs(pid: number): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
  } catch {
    return undefined;
  }
}

function start(target: Target, port: number, metricsPort: number, cores: string | undefined): ChildProcess {
  const devNull = fs.openSync('/dev/null', 'w');
  // taskset execs node in its own process: the pid, and the CPU time read from /proc, are node's.
  const [command, args] = onCores(cores, [
    process.execPath,
    target === 'service' ? SERVICE_ENTRY : BARE_ENTRY,
  ]);
  const child = spawn(command, args, {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      // The service's metrics listener; its own free port, so a run beside another service still starts.
      METRICS_PORT: String(metricsPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      APP_VERSION: 'bench',
    },
    stdio: ['ignore', devNull, 'inherit'],
  });
  fs.closeSync(devNull);
  return child;
}

function healthStatus(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    http
      .get({ host: '127.0.0.1', port, path: settings.container.healthPath, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      })
      .on('error', () => resolve(undefined));
  });
}

/** Milliseconds from spawn to the first 200 on /health. */
async function timeToReady(
  target: Target,
  port: number,
  cores: string | undefined,
): Promise<{ ms: number; child: ChildProcess }> {
  const metricsPort = await freePort();
  const started = process.hrtime.bigint();
  const child = start(target, port, metricsPort, cores);
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${target} exited with ${child.exitCode} before it was ready`);
    if ((await healthStatus(port)) === 200) {
      return { ms: Number(process.hrtime.bigint() - started) / 1e6, child };
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function load(
  child: ChildProcess,
  port: number,
  route: string,
  options: BenchOptions,
): Promise<Sample> {
  const url = `http://127.0.0.1:${port}${route}`;
  const { connections, durationSeconds } = options;
  await autocannon({ url, connections, duration: WARMUP_SECONDS });
  const cpuBefore = cpuTimeUs(child.pid!);
  const result = await autocannon({ url, connections, duration: durationSeconds });
  const cpuAfter = cpuTimeUs(child.pid!);
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  const requests = result.requests.average * durationSeconds;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuUs: cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / requests,
  };
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const round = (x: number, digits: number): number => Number(x.toFixed(digits));

/** Progress on stderr: one line rewritten in place on a terminal, plain lines otherwise. */
function progress(io: BenchIo): (line: string) => void {
  return io.stderr.isTTY
    ? (line) => io.stderr.write(`\r\x1b[K${line}`)
    : (line) => io.stderr.write(`${line}\n`);
}

interface RouteResult {
  service: Sample[];
  bare: Sample[];
  /** Service req/s over bare req/s, one per round (each round measures both, back to back). */
  ratios: number[];
}

/** What one run measures with: the options, and the cores it keeps the apps and the load generator on. */
interface BenchRun extends BenchOptions {
  readonly pinning: CpuPinning | undefined;
}

/** The service and bare Express loaded in turn on each route, the order alternating between rounds. */
async function measureThroughput(
  options: BenchRun,
  report: (line: string) => void,
): Promise<Record<string, RouteResult>> {
  const ports: Record<Target, number> = { service: await freePort(), bare: await freePort() };
  const children: Record<Target, ChildProcess> = {
    service: (await timeToReady('service', ports.service, options.pinning?.server)).child,
    bare: (await timeToReady('bare', ports.bare, options.pinning?.server)).child,
  };
  const results: Record<string, RouteResult> = {};
  try {
    for (const route of ROUTES) {
      const result: RouteResult = { service: [], bare: [], ratios: [] };
      for (let r = 0; r < options.rounds; r++) {
        const order: Target[] = r % 2 === 0 ? ['service', 'bare'] : ['bare', 'service'];
        for (const target of order) {
          report(`${route} round ${r + 1}/${options.rounds}: ${target}`);
          result[target].push(await load(children[target], ports[target], route, options));
        }
        result.ratios.push(result.service[r]!.rps / result.bare[r]!.rps);
      }
      results[route] = result;
    }
  } finally {
    await Promise.all(Object.values(children).map(stop));
  }
  return results;
}

/** Spawn to first 200 on /health, service and bare alternating so both see the same machine. */
async function measureReadiness(
  options: BenchRun,
  report: (line: string) => void,
): Promise<Record<Target, number[]>> {
  const times: Record<Target, number[]> = { service: [], bare: [] };
  for (let i = 0; i < options.spawns; i++) {
    for (const target of i % 2 === 0 ? TARGETS : [...TARGETS].reverse()) {
      report(`ready ${i + 1}/${options.spawns}: ${target}`);
      // On every core: start-up uses the machine as a deployment would (compilation and GC run on helper
      // threads, and one core for all of them slowed the service's start more than bare's).
      const { ms, child } = await timeToReady(target, await freePort(), options.pinning?.all);
      times[target].push(ms);
      await stop(child);
    }
  }
  return times;
}

/** The run's figures as `--json` prints them. */
export function benchReport(
  options: BenchRun,
  throughput: Record<string, RouteResult>,
  ready: Record<Target, number[]>,
) {
  const cpu = os.cpus();
  const samples = (runs: Sample[]) => ({
    rps: runs.map((s) => round(s.rps, 0)),
    p50Ms: runs.map((s) => s.p50),
    p99Ms: runs.map((s) => s.p99),
    cpuUsPerRequest: runs.map((s) => (s.cpuUs === undefined ? null : round(s.cpuUs, 1))),
  });
  const throughputRatio = median(throughput['/']!.ratios);
  const readyRatio = median(ready.service) / median(ready.bare);
  return {
    machine: {
      cpus: cpu.length,
      cpuModel: cpu[0]?.model ?? 'unknown',
      node: process.version,
      /** `taskset -c` lists of the apps' core and the load generator's; null when nothing was pinned. */
      pinning: options.pinning ?? null,
    },
    options: {
      connections: options.connections,
      rounds: options.rounds,
      spawns: options.spawns,
      durationSeconds: options.durationSeconds,
      warmupSeconds: WARMUP_SECONDS,
    },
    throughput: Object.fromEntries(
      Object.entries(throughput).map(([route, r]) => [
        route,
        {
          service: samples(r.service),
          bare: samples(r.bare),
          ratios: r.ratios.map((x) => round(x, 3)),
          medianRatio: round(median(r.ratios), 3),
        },
      ]),
    ),
    ready: {
      serviceMs: ready.service.map((x) => round(x, 1)),
      bareMs: ready.bare.map((x) => round(x, 1)),
      medianServiceMs: round(median(ready.service), 1),
      medianBareMs: round(median(ready.bare), 1),
      ratio: round(readyRatio, 3),
    },
    targets: {
      throughputRatio: { atLeast: TARGET_THROUGHPUT_RATIO, met: throughputRatio >= TARGET_THROUGHPUT_RATIO },
      readyRatio: { atMost: TARGET_READY_RATIO, met: readyRatio <= TARGET_READY_RATIO },
    },
  };
}

function table(report: ReturnType<typeof benchReport>): string {
  const { machine, options, throughput, ready, targets } = report;
  const fixed = (xs: number[], digits: number) => xs.map((x) => x.toFixed(digits)).join(', ');
  const lines = [
    `node ${machine.node}; ${machine.cpus} x ${machine.cpuModel}; ${options.connections} connections; ` +
      `${options.warmupSeconds} s warm-up + ${options.durationSeconds} s per run; rounds: ${options.rounds}, order alternated`,
    machine.pinning === null
      ? 'apps and load generator not pinned to cores (needs Linux, 2+ cores and taskset)'
      : `apps on core ${machine.pinning.server}, load generator on core ${machine.pinning.client}`,
    '',
    'target   route      req/s per round            p50 ms  p99 ms  server CPU us/req',
  ];
  for (const [route, r] of Object.entries(throughput)) {
    for (const target of TARGETS) {
      const s = r[target];
      const cpu = s.cpuUsPerRequest.every((x) => x !== null) ? mean(s.cpuUsPerRequest).toFixed(0) : 'n/a';
      lines.push(
        `${target.padEnd(8)} ${route.padEnd(9)} ${fixed(s.rps, 0).padEnd(26)} ${mean(s.p50Ms).toFixed(1).padStart(6)} ` +
          `${mean(s.p99Ms).toFixed(1).padStart(7)} ${cpu.padStart(18)}`,
      );
    }
  }
  lines.push('');
  for (const [route, r] of Object.entries(throughput)) {
    lines.push(
      `service/bare throughput on ${route}: ${fixed(r.ratios, 2)} (median ${r.medianRatio.toFixed(2)})`,
    );
  }
  lines.push(
    `spawn to first 200 on ${settings.container.healthPath}, median of ${options.spawns}: service ` +
      `${ready.medianServiceMs.toFixed(0)} ms (${fixed(ready.serviceMs, 0)}), bare ${ready.medianBareMs.toFixed(0)} ms ` +
      `(${fixed(ready.bareMs, 0)}): ratio ${ready.ratio.toFixed(2)}`,
    '',
    `target: throughput on / >= ${TARGET_THROUGHPUT_RATIO} x bare: ${targets.throughputRatio.met ? 'met' : 'NOT met'}`,
    `target: ready <= ${TARGET_READY_RATIO} x bare: ${targets.readyRatio.met ? 'met' : 'NOT met'}`,
  );
  return lines.join('\n');
}

/** Runs the bench as `argv` asks; returns the exit code (2 for a usage error). */
export async function main(argv: readonly string[], io: BenchIo): Promise<number> {
  let options: BenchOptions | 'help';
  try {
    options = parseBenchOptions(argv, process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`${error.message}\n\n${relevantHelp(BENCH_HELP, error.about)}\n`);
    return 2;
  }
  if (options === 'help') {
    io.stdout.write(`${BENCH_HELP}\n`);
    return 0;
  }
  const report = progress(io);
  const run: BenchRun = { ...options, pinning: pinCpus() };
  const throughput = await measureThroughput(run, report);
  const ready = await measureReadiness(run, report);
  if (io.stderr.isTTY) io.stderr.write('\r\x1b[K');
  const result = benchReport(run, throughput, ready);
  io.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${table(result)}\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
