import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/* A file over a few hundred lines holds more than one concern: split it by concern, not by line count. */
const ROOT = join(__dirname, '../../..');
const LIMIT = 400;
/** Folders that hold no source of ours: dependencies, build output, synthesized templates, VCS data. */
const SKIP = new Set(['node_modules', 'dist', 'cdk.out', 'coverage', '.git']);

/** Every production TypeScript file under `dir`, found by walking the tree (not from git's index). */
function productionFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'test' ? [] : productionFiles(path);
    const production =
      entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts');
    return production ? [relative(ROOT, path)] : [];
  });
}

const production = productionFiles(ROOT);

describe('production files', () => {
  it('finds the sources it measures, in every part of the repository', () => {
    expect(production.length).toBeGreaterThan(50);
    for (const part of ['app/', 'contract/', 'core/', 'pipeline/', 'tools/'])
      expect(production.some((f) => f.startsWith(part))).toBe(true);
  });

  it(`are at most ${LIMIT} lines long`, () => {
    const long = production
      .map((file) => ({ file, lines: readFileSync(join(ROOT, file), 'utf8').split('\n').length }))
      .filter((f) => f.lines > LIMIT)
      .map((f) => `${f.file}: ${f.lines} lines`);
    expect(long).toEqual([]);
  });
});
