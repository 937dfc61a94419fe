import { Writable } from 'node:stream';
import { main } from '../bench/bench';
import { parseBenchOptions } from '../bench/bench-options';

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

describe('npm run bench options', () => {
  it('defaults to 32 connections, three rounds, 11 spawns and 6 s runs', () => {
    expect(parseBenchOptions([], {})).toEqual({
      connections: 32,
      rounds: 3,
      spawns: 11,
      durationSeconds: 6,
      json: false,
    });
  });

  it('takes --connections, --rounds, --duration and --json, and BENCH_DURATION_SECONDS as the duration default', () => {
    expect(
      parseBenchOptions(['--connections', '64', '--rounds', '5', '--json'], { BENCH_DURATION_SECONDS: '3' }),
    ).toEqual({ connections: 64, rounds: 5, spawns: 11, durationSeconds: 3, json: true });
    expect(parseBenchOptions(['--spawns', '21'], {})).toMatchObject({ spawns: 21 });
    expect(parseBenchOptions(['--duration=9'], { BENCH_DURATION_SECONDS: '3' })).toMatchObject({
      durationSeconds: 9,
    });
  });

  it.each([['abc'], ['1.5'], ['0'], ['1001'], ['-3'], ['']])(
    'rejects --connections %p with exit 2 and the help line about --connections',
    async (value) => {
      const stdout = capture();
      const stderr = capture();
      const code = await main([`--connections=${value}`], { stdout: stdout.stream, stderr: stderr.stream });
      expect(code).toBe(2);
      expect(stderr.text()).toContain(`--connections needs a whole number from 1 to 1000, got "${value}"`);
      expect(stderr.text()).toMatch(/^ {2}--connections N {5}concurrent keep-alive connections/m);
      expect(stdout.text()).toBe('');
    },
  );

  it.each([['0'], ['52'], ['7.5']])(
    'rejects --spawns %p with the help line about --spawns',
    async (value) => {
      const stderr = capture();
      expect(await main(['--spawns', value], { stdout: capture().stream, stderr: stderr.stream })).toBe(2);
      expect(stderr.text()).toContain(`--spawns needs a whole number from 1 to 51, got "${value}"`);
      expect(stderr.text()).toMatch(/^ {2}--spawns N {10}spawns of each app/m);
    },
  );

  it('rejects an unknown flag and a missing value with exit 2', async () => {
    for (const argv of [['--conections', '32'], ['--connections'], ['--connections', '-3']]) {
      const stderr = capture();
      expect(await main(argv, { stdout: capture().stream, stderr: stderr.stream })).toBe(2);
      expect(stderr.text()).toContain('Usage: npm run bench');
    }
  });

  it('prints the help on stdout with --help and exits 0 without measuring', async () => {
    const stdout = capture();
    expect(await main(['--help'], { stdout: stdout.stream, stderr: capture().stream })).toBe(0);
    expect(stdout.text()).toContain('--json');
  });
});
