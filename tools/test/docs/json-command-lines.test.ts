import { execSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * npm prints its script banner ("> ecs-rollback-rehearsal@0.1.0 rehearse ...") on stdout before a
 * script's own output: a command line that reads JSON must run npm with --silent, and then stdout parses.
 */
const ROOT = join(__dirname, '../../..');
const pages = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((file) => `docs/${file}`)];

/** Every `npm run ... rehearse -- ...` command line of a page that asks for --json. */
function jsonCommandLines(page: string): string[] {
  const text = readFileSync(join(ROOT, page), 'utf8');
  return [...text.matchAll(/npm run [^`#\n]*?rehearse -- [^`#\n]*--json[^`#\n]*/g)].map((m) => m[0].trim());
}

const README_LINES = jsonCommandLines('README.md');

describe('the documented command lines that read JSON', () => {
  it('are found in the README', () => {
    expect(README_LINES.some((line) => line.includes(' faults --json'))).toBe(true);
  });

  it.each(pages)('%s runs npm with --silent wherever it reads JSON', (page) => {
    expect(jsonCommandLines(page).filter((line) => !line.startsWith('npm run --silent '))).toEqual([]);
  });

  // The README's faults line, as written, and with its optional part: each answers at once.
  const faultsLine = README_LINES.find((line) => line.includes(' faults --json'))!;
  const written = faultsLine.replace(/\s*\[[^\]]*\]/g, '');
  const withOption = faultsLine.replace(/\[([^\]]*)\]/g, '$1');

  it.each([written, withOption])('"%s" prints JSON that parses, with a schema version', (line) => {
    const stdout = execSync(line, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const parsed = JSON.parse(stdout) as { schemaVersion: number; faults: unknown[] };
    expect(parsed.schemaVersion).toBe(1);
    expect(parsed.faults.length).toBeGreaterThan(0);
  });
});
