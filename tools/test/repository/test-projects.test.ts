import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const CONFIG = readFileSync(path.join(ROOT, 'jest.config.js'), 'utf8');

/** The integration project's list, as jest.config.js writes it. */
const integration = [
  ...(/const INTEGRATION = \[([^\]]*)\]/.exec(CONFIG)?.[1] ?? '').matchAll(/'([^']+)'/g),
].map((m) => m[1]!);

function testFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const file = `${dir}/${name}`;
    if (statSync(path.join(ROOT, file)).isDirectory()) return testFiles(file);
    return file.endsWith('.test.ts') ? [file] : [];
  });
}

const inIntegration = (file: string): boolean =>
  integration.some((entry) => (entry.endsWith('/') ? file.startsWith(entry) : file === entry));
const isEndToEnd = (file: string): boolean => /\.(e2e|browser|container)\.test\.ts$/.test(file);

describe('the test projects', () => {
  it('name only test files that exist in the integration list', () => {
    expect(integration.length).toBeGreaterThan(0);
    const missing = integration.filter((entry) => {
      try {
        return !statSync(path.join(ROOT, entry)).isFile() && !entry.endsWith('/');
      } catch {
        return true;
      }
    });
    expect(missing).toEqual([]);
  });

  // The unit project skips the build: a test there that runs compiled code would run a stale dist/ or none.
  it('put every test that runs the compiled code in the integration or end-to-end project', () => {
    const runsCompiled =
      /['"`](\.\.\/)+dist\/|join\([^)]*['"`]dist['"`]|'dist\/(app|tools|pipeline)\/[^']*\.js'\s*[\],]/;
    const misplaced = ['app', 'contract', 'core', 'pipeline', 'tools']
      .flatMap(testFiles)
      .filter((file) => !isEndToEnd(file) && !inIntegration(file))
      .filter((file) => /__dirname|ROOT/.test(readFileSync(path.join(ROOT, file), 'utf8')))
      .filter((file) => runsCompiled.test(readFileSync(path.join(ROOT, file), 'utf8')));
    expect(misplaced).toEqual([]);
  });
});
