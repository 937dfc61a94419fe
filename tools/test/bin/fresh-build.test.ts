import { mkdirSync, mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildInputs, inputSignature, isFresh, SIGNATURE_FILE } from '../../bin/fresh-build';

const ROOT = join(__dirname, '../../..');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fresh-build-'));
  files({
    'tsconfig.build.json': JSON.stringify({
      include: ['src', 'lib'],
      exclude: ['node_modules', 'dist', '**/*.test.ts', 'src/fixtures'],
    }),
    'tsconfig.json': '{}',
    'src/a.ts': 'export const a = 1;\n',
    'src/deep/b.ts': 'export const b = 2;\n',
    'src/a.test.ts': '',
    'src/fixtures/data.ts': '',
    'lib/c.json': '{}',
    'docs/readme.md': '',
  });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function files(tree: Record<string, string>): void {
  for (const [path, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

describe('the build inputs', () => {
  it("are the include folders' files without tests or excluded folders, and the configs", () => {
    expect(buildInputs(dir)).toEqual([
      'app/bundle.js',
      'lib/c.json',
      'package-lock.json',
      'package.json',
      'src/a.ts',
      'src/deep/b.ts',
      'tsconfig.build.json',
      'tsconfig.json',
    ]);
  });

  it('of this repository hold the CLI entry and leave its tests out', () => {
    const inputs = buildInputs(ROOT);
    expect(inputs).toContain('tools/src/cli.ts');
    expect(inputs).toContain('contract/settings.ts');
    expect(inputs.some((file) => file.endsWith('.test.ts'))).toBe(false);
  });
});

describe('the input signature', () => {
  it('stays the same while nothing the build reads changes', () => {
    const before = inputSignature(dir);
    files({ 'src/a.test.ts': 'changed', 'src/fixtures/data.ts': 'changed', 'docs/readme.md': 'changed' });
    expect(inputSignature(dir)).toBe(before);
  });

  it.each([
    ['an edited source', () => files({ 'src/deep/b.ts': 'export const b = 3;\n' })],
    ['a new source', () => files({ 'src/new.ts': '' })],
    ['a removed source', () => unlinkSync(join(dir, 'src/a.ts'))],
    ['a source checked out with an older time', () => utimesSync(join(dir, 'src/a.ts'), 1, 1)],
    ['an edited config', () => files({ 'tsconfig.json': '{ }' })],
  ])('changes with %s', (_what, change) => {
    const before = inputSignature(dir);
    change();
    expect(inputSignature(dir)).not.toBe(before);
  });

  it('makes the output fresh once written, and stale again when a source changes', () => {
    expect(isFresh(dir)).toBe(false);
    files({ [SIGNATURE_FILE]: `${inputSignature(dir)}\n` });
    expect(isFresh(dir)).toBe(true);
    files({ 'src/a.ts': 'export const a = 2;\n' });
    expect(isFresh(dir)).toBe(false);
  });
});

describe('this repository after the test run built it', () => {
  it('has a fresh dist/, so the next command compiles nothing', () => {
    expect(isFresh(ROOT)).toBe(true);
  });
});
