import { main } from '../../src/cli';
import { freePort, startServer, type LocalServer } from '../helpers/local-server';
import { testDeps } from '../helpers/test-deps';

describe('rehearse load', () => {
  let server: LocalServer;
  beforeEach(async () => {
    server = await startServer((_req, res, n) => {
      res.setHeader('x-app-version', n % 2 === 0 ? 'blue' : 'green');
      res.statusCode = n % 5 === 0 ? 500 : 200;
      res.end();
    });
  });
  afterEach(() => server.close());

  it('prints plain per-second lines and a summary when stdout is not a terminal', async () => {
    const deps = testDeps();
    const code = await main(
      ['load', server.url, '--count', '20', '--rate', 'max', '--concurrency', '2'],
      deps,
    );
    expect(code).toBe(0);
    expect(deps.stdout.text).not.toContain('\r');
    expect(deps.stdout.text).toMatch(/^ {3}1s +\d+ req {2}status 200:\d+ 500:\d+ {2}err \d+\.\d%/m);
    expect(deps.stdout.text).toMatch(/^20 requests in .*, \d+ failed/m);
    expect(deps.stdout.text).toMatch(/versions {2}blue:\d+ green:\d+/);
  });

  it('updates one line in place on a terminal', async () => {
    const deps = testDeps({ tty: true });
    await main(['load', server.url, '--count', '5'], deps);
    expect(deps.stdout.text).toContain('\r\x1b[2K   1s');
  });

  it('prints the result as JSON with --json and keeps progress off stdout', async () => {
    const deps = testDeps();
    const code = await main(['load', server.url, '--count', '10', '--rate', 'max', '--json'], deps);
    expect(code).toBe(0);
    const result = JSON.parse(deps.stdout.text);
    expect(result).toMatchObject({ requests: 10, failed: 2, byStatus: { '200': 8, '500': 2 } });
    expect(result.byVersion).toEqual({ blue: 5, green: 5 });
    expect(result.latency).toEqual(
      expect.objectContaining({ p50Ms: expect.any(Number), p99Ms: expect.any(Number) }),
    );
    expect(result.series.length).toBeGreaterThanOrEqual(1);
    expect(deps.stderr.text).toMatch(/req {2}status/);
  });

  it('stops on Ctrl-C, still prints the summary, and exits 130', async () => {
    let interrupt: (() => void) | undefined;
    let removed = false;
    const deps = testDeps({
      onInterrupt: (handler) => {
        interrupt = handler;
        return () => {
          removed = true;
        };
      },
    });
    const running = main(['load', server.url, '--rate', '100'], deps);
    while (server.seen() < 5) await new Promise((resolve) => setTimeout(resolve, 10));
    interrupt!();
    expect(await running).toBe(130);
    expect(removed).toBe(true);
    expect(deps.stderr.text).toContain('Interrupted');
    expect(deps.stdout.text).toMatch(/^\d+ requests in/m);
  });

  it('exits 1 when the error rate crosses --max-error-rate, saying so on stderr and in the summary', async () => {
    const deps = testDeps();
    const argv = ['load', server.url, '--count', '20', '--rate', 'max', '--concurrency', '1'];
    expect(await main([...argv, '--max-error-rate', '10%'], deps)).toBe(1);
    expect(deps.stdout.text).toMatch(
      /^ {2}thresholds {2}error rate 20\.0% over the limit of 10\.0% \(crossed\)$/m,
    );
    expect(deps.stderr.text).toContain('Threshold crossed: error rate 20.0% over the limit of 10.0%');
  });

  it('exits 0 when every threshold holds, and reports each in the JSON', async () => {
    const deps = testDeps();
    const argv = ['load', server.url, '--count', '20', '--rate', 'max', '--concurrency', '1', '--json'];
    expect(await main([...argv, '--max-error-rate', '0.2', '--max-p99', '5s'], deps)).toBe(0);
    const result = JSON.parse(deps.stdout.text);
    expect(result.thresholds).toEqual([
      { name: 'error-rate', limit: 0.2, actual: 0.2, crossed: false },
      { name: 'p99', limit: 5_000, actual: result.latency.p99Ms, crossed: false },
    ]);
    expect(deps.stderr.text).not.toContain('Threshold');
  });

  it('exits 1 when p99 latency crosses --max-p99', async () => {
    const slow = await startServer((_req, res) => void setTimeout(() => res.end('ok'), 30));
    try {
      const deps = testDeps();
      const argv = ['load', slow.url, '--count', '5', '--rate', 'max', '--max-p99', '10ms', '--json'];
      expect(await main(argv, deps)).toBe(1);
      expect(JSON.parse(deps.stdout.text).thresholds).toEqual([
        expect.objectContaining({ name: 'p99', limit: 10, crossed: true }),
      ]);
      expect(deps.stderr.text).toMatch(/Threshold crossed: p99 \d+ms over the limit of 10ms/);
    } finally {
      await slow.close();
    }
  });

  it('states its exit codes in the help', async () => {
    const deps = testDeps();
    expect(await main(['load', '--help'], deps)).toBe(0);
    expect(deps.stdout.text).toContain('  1    a threshold was crossed, or nothing answers at URL\n');
    expect(deps.stdout.text).toContain('  130  interrupted (Ctrl-C)');
  });

  it('exits 1 with a clear message when nothing answers at the URL', async () => {
    const deps = testDeps();
    const port = await freePort();
    expect(await main(['load', `http://127.0.0.1:${port}/`, '--count', '3'], deps)).toBe(1);
    expect(deps.stderr.text).toContain(`Cannot reach http://127.0.0.1:${port}/: ECONNREFUSED`);
  });

  it.each([
    [['load', 'not-a-url'], /is not a URL/, /^Usage: npm run rehearse -- load URL/m],
    [['load'], /needs a URL/, /^Usage/m],
    [['load', 'http://x/', '--rate', '0'], /--rate needs a number from 0.001 to 100000/, /^ {2}--rate N/m],
    [['load', 'http://x/', '--count', '1.5'], /--count needs a whole number from 1 to/, /^ {2}--count N/m],
    [
      ['load', 'http://x/', '--count', '-5'],
      /--count needs a whole number from 1 to .*got "-5"/,
      /--count N/,
    ],
    [['load', 'http://x/', '--duration', 'soon'], /--duration needs a duration/, /^ {2}--duration TIME/m],
    [['load', 'http://x/', '--duration', '0'], /--duration needs a duration from 1ms/, /--duration TIME/],
    [['load', 'http://x/', '--timeout', '0'], /--timeout needs a duration from 1ms/, /--timeout TIME/],
    [
      ['load', 'http://x/', '--timeout', '3000000000ms'],
      /to 2147483647ms \(the longest delay a timer holds\)/,
      /--timeout TIME/,
    ],
    [
      ['load', 'http://x/', '--concurrency', '100000000'],
      /--concurrency needs a whole number from 1 to 1000 \(each request in flight holds a socket/,
      /--concurrency N/,
    ],
    [['load', 'http://x/', '--interval', '1', '--rate', '2'], /not both/, /--interval TIME/],
    [
      ['load', 'http://x/', '--max-error-rate', '150%'],
      /--max-error-rate needs a share from 0 to 1 or a percentage from 0% to 100%.*got "150%"/,
      /^ {2}--max-error-rate R/m,
    ],
    [
      ['load', 'http://x/', '--max-error-rate', 'low'],
      /--max-error-rate needs a share from 0 to 1/,
      /--max-error-rate R/,
    ],
    [['load', 'http://x/', '--max-p99', 'fast'], /--max-p99 needs a duration/, /^ {2}--max-p99 TIME/m],
    [['load', 'http://x/', '--verbose'], /Unknown option '--verbose'/, /^Usage/m],
  ])('exits 2 on %j with the relevant help line', async (argv, message, helpLine) => {
    const deps = testDeps();
    expect(await main(argv, deps)).toBe(2);
    expect(deps.stderr.text).toMatch(message);
    expect(deps.stderr.text).toMatch(helpLine);
    expect(deps.stdout.text).toBe('');
  });
});
