import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path, { join } from 'node:path';
import { version } from '../../../package.json';
import { main } from '../../src/cli';
import { COMMANDS } from '../../src/commands';
import { testDeps } from '../helpers/test-deps';

const ROOT = join(__dirname, '../../..');

/** The exit codes every help states, each on its own line of the "Exit codes:" section. */
function statedCodes(help: string): string[] {
  const section = help.slice(help.indexOf('\nExit codes:\n'));
  return [...section.matchAll(/^ {2}(\d+) {2,}\S/gm)].map((m) => m[1]!);
}

const COMMAND_NAMES = Object.keys(COMMANDS);

describe('every command keeps the exit codes its help states', () => {
  it.each(COMMAND_NAMES)('%s --help states 0, 1, 2 and 130 and exits 0', async (name) => {
    const deps = testDeps();
    expect(await main([name, '--help'], deps)).toBe(0);
    expect(statedCodes(deps.stdout.text)).toEqual(['0', '1', '2', '130']);
  });

  it.each(COMMAND_NAMES)('%s with an unknown flag exits 2 and names it on stderr', async (name) => {
    const deps = testDeps();
    expect(await main([name, '--no-such-flag'], deps)).toBe(2);
    expect(deps.stderr.text).toContain("Unknown option '--no-such-flag'");
    expect(deps.stdout.text).toBe('');
  });

  it('the top-level help states them too; an unknown command exits 2', async () => {
    const deps = testDeps();
    expect(await main(['--help'], deps)).toBe(0);
    expect(statedCodes(deps.stdout.text)).toEqual(['0', '1', '2', '130']);
    expect(await main(['no-such-command'], testDeps())).toBe(2);
  });

  it('--version prints the package version and exits 0', async () => {
    const deps = testDeps();
    expect(await main(['--version'], deps)).toBe(0);
    expect(deps.stdout.text).toBe(`${version}\n`);
  });
});

describe('rehearse:build keeps the same conventions', () => {
  const rehearseBuild = (...args: string[]) =>
    spawnSync(process.execPath, ['dist/tools/src/release-build/rehearse-build.js', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
    });

  it('--help states 0, 1, 2 and 130 and exits 0', () => {
    const run = rehearseBuild('--help');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: npm run rehearse:build -- \[--keep\]/);
    expect(statedCodes(run.stdout)).toEqual(['0', '1', '2', '130']);
  });

  it('an unknown flag exits 2 with the usage on stderr', () => {
    const run = rehearseBuild('--no-such-flag');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Unknown option '--no-such-flag'");
    expect(run.stdout).toBe('');
  });

  it('a --registry folder it cannot write is a usage error, before anything is exported', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'registry-flag-'));
    try {
      const file = path.join(dir, 'a-file');
      writeFileSync(file, '');
      const run = rehearseBuild('--registry', path.join(file, 'registry'));
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/--registry .*a-file\/registry: cannot write there \(ENOTDIR\)/);
      expect(run.stdout).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the launcher, run as a person runs it', () => {
  it('answers --version through npm run --silent with nothing else on stdout', () => {
    const out = execFileSync('npm', ['run', '--silent', 'rehearse', '--', '--version'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(out).toBe(`${version}\n`);
  });
});
