import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import autocannon from 'autocannon';
import { freePort } from '../local/free-port';
import { runLoad } from './load-loop';
import { probe } from './probe';

// `npm run bench:load`: the load loop and autocannon against the same local service, side by side in one
// run, so the ratio and the latency figures can be compared (a shared machine makes absolute numbers noisy).

const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS ?? 5);
const CONNECTIONS = 10;
const ROUNDS = 2;
/** The rate the load loop must sustain when paced. */
const TARGET_RATE = 2_000;

const SERVICE_ENTRY = path.resolve(__dirname, '../../../app/src/server.js');
const BARE_SERVER = `require('node:http').createServer((q, s) => { s.setHeader('x-app-version', 'bare'); s.setHeader('content-type', 'application/json'); s.end('{"version":"bare"}'); }).listen(Number(process.env.PORT), '127.0.0.1');`;

interface Row {
  tool: string;
  rps: number;
  p50: number;
  p99: number;
  failed: number;
  /** CPU time of this process per request, in microseconds: steadier than req/s on a shared machine. */
  cpuUs: number;
}

async function measured(run: () => Promise<Omit<Row, 'cpuUs'> & { requests: number }>): Promise<Row> {
  const before = process.cpuUsage();
  const { requests, ...row } = await run();
  const used = process.cpuUsage(before);
  return { ...row, cpuUs: requests > 0 ? (used.user + used.system) / requests : 0 };
}

async function startTarget(): Promise<{ url: string; child: ChildProcess; name: string }> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const useService = process.env.BENCH_TARGET !== 'bare' && existsSync(SERVICE_ENTRY);
  const args = useService ? [SERVICE_ENTRY] : ['-e', BARE_SERVER];
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      APP_VERSION: 'bench',
      LOG_LEVEL: 'silent',
      FAULTS: '',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 100; i++) {
    if ((await probe(new URL(url), 500)).ok)
      return { url, child, name: useService ? 'the built service' : 'a bare node:http server' };
    await delay(100);
  }
  child.kill();
  throw new Error(`the bench target did not answer at ${url}`);
}

function withAutocannon(url: string, rate?: number): Promise<Row> {
  return measured(async () => {
    // overallRate paces autocannon like --rate paces the load loop (a variable: the local typings omit it).
    const options = {
      url,
      connections: CONNECTIONS,
      duration: DURATION_SECONDS,
      ...(rate !== undefined && { overallRate: rate }),
    };
    const result = await autocannon(options);
    return {
      // autocannon reports the total beside the per-second figures; its typings here declare only those.
      requests:
        'total' in result.requests
          ? Number(result.requests.total)
          : result.requests.average * DURATION_SECONDS,
      tool: rate === undefined ? 'autocannon' : `autocannon --rate ${rate}`,
      rps: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      failed: result.non2xx + result.errors + result.timeouts,
    };
  });
}

function withLoadLoop(url: string, rate?: number): Promise<Row> {
  return measured(async () => {
    const result = await runLoad({
      url,
      durationMs: DURATION_SECONDS * 1000,
      concurrency: CONNECTIONS,
      timeoutMs: 5_000,
      ...(rate !== undefined && { rate }),
    });
    return {
      tool: rate === undefined ? 'rehearse load (unpaced)' : `rehearse load --rate ${rate}`,
      rps: (result.requests * 1000) / result.durationMs,
      p50: result.latency.p50Ms,
      p99: result.latency.p99Ms,
      failed: result.failed,
      requests: result.requests,
    };
  });
}

const fmt = (row: Row): string =>
  `${row.tool.padEnd(28)} ${row.rps.toFixed(0).padStart(8)} req/s   p50 ${row.p50.toFixed(2).padStart(6)} ms   p99 ${row.p99.toFixed(2).padStart(6)} ms   cpu ${row.cpuUs.toFixed(0).padStart(4)} us/req   failed ${row.failed}`;

async function main(): Promise<void> {
  const target = await startTarget();
  try {
    process.stdout.write(
      `Target: ${target.name} at ${target.url}; ${DURATION_SECONDS} s per run, ${CONNECTIONS} connections\n\n`,
    );
    const rows: Row[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      // Alternate the order so warm-up and noise do not always favour the same tool.
      const pair = round % 2 === 1 ? [withAutocannon, withLoadLoop] : [withLoadLoop, withAutocannon];
      for (const run of pair) {
        const row = await run(target.url);
        rows.push(row);
        process.stdout.write(`round ${round}  ${fmt(row)}\n`);
      }
    }
    const paced = await withLoadLoop(target.url, TARGET_RATE);
    process.stdout.write(`paced    ${fmt(paced)}\n`);
    const pacedCannon = await withAutocannon(target.url, TARGET_RATE);
    process.stdout.write(`paced    ${fmt(pacedCannon)}\n\n`);

    const median = (values: number[]): number =>
      values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    const of = (tool: string, key: 'rps' | 'p50' | 'p99' | 'cpuUs'): number =>
      median(rows.filter((r) => r.tool === tool).map((r) => r[key]));
    const loadTool = 'rehearse load (unpaced)';
    process.stdout.write(
      [
        `load / autocannon req/s: ${(of(loadTool, 'rps') / of('autocannon', 'rps')).toFixed(2)}`,
        `client CPU per request: load ${of(loadTool, 'cpuUs').toFixed(0)} us, autocannon ${of('autocannon', 'cpuUs').toFixed(0)} us`,
        `p50: load ${of(loadTool, 'p50').toFixed(2)} ms, autocannon ${of('autocannon', 'p50').toFixed(2)} ms`,
        `p99: load ${of(loadTool, 'p99').toFixed(2)} ms, autocannon ${of('autocannon', 'p99').toFixed(2)} ms`,
        `paced at ${TARGET_RATE} req/s: p50 load ${paced.p50.toFixed(2)} ms, autocannon ${pacedCannon.p50.toFixed(2)} ms; p99 load ${paced.p99.toFixed(2)} ms, autocannon ${pacedCannon.p99.toFixed(2)} ms (autocannon rounds to whole ms)`,
        `paced at ${TARGET_RATE} req/s: achieved ${paced.rps.toFixed(0)} req/s (${paced.rps >= TARGET_RATE * 0.95 ? 'keeps up' : 'falls behind'})`,
      ].join('\n') + '\n',
    );
  } finally {
    target.child.kill();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
