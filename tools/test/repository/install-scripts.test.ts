import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { markdownSection, parseMarkdownTable } from '../../../contract/test/support/markdown';

/*
 * Every dependency that ships an install script has a decision in package.json's `allowScripts` (the field
 * npm reads) and a row with its reason in the design decisions. The lockfile marks such packages with
 * `hasInstallScript`, so this holds on any npm version, not only on those that enforce the policy.
 */
const ROOT = join(__dirname, '../../..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

interface LockEntry {
  readonly version?: string;
  readonly hasInstallScript?: boolean;
}

const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, LockEntry> };
const allowScripts =
  (JSON.parse(read('package.json')) as { allowScripts?: Record<string, unknown> }).allowScripts ?? {};

/** Packages with install scripts in the lockfile, as `name@version`. */
const withScripts = Object.entries(lock.packages)
  .filter(([, entry]) => entry.hasInstallScript === true)
  .map(([path, entry]) => ({
    name: path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length),
    version: entry.version ?? '',
  }));

/** npm's keys: a bare name for every version, or `name@version` pinned to the one reviewed. */
const decisionFor = ({ name, version }: { name: string; version: string }): unknown =>
  allowScripts[`${name}@${version}`] ?? allowScripts[name];

const table = parseMarkdownTable(
  markdownSection(
    read('docs/design-decisions.md'),
    'Dependency install scripts denied',
    'docs/design-decisions.md',
  ),
).slice(1);
const documented = new Map(table.map(([pkg = '', , , decision = '']) => [pkg.replace(/`/g, ''), decision]));

describe('dependency install scripts', () => {
  it('finds the packages with install scripts in the lockfile', () => {
    expect(withScripts.length).toBeGreaterThan(0);
  });

  it.each(withScripts.map((pkg) => [`${pkg.name}@${pkg.version}`, pkg] as const))(
    '%s has a true or false decision in package.json allowScripts',
    (_, pkg) => {
      expect(typeof decisionFor(pkg)).toBe('boolean');
    },
  );

  it('documents each decision, as allowScripts records it, and nothing else', () => {
    const recorded = new Map(
      withScripts.map((pkg) => [pkg.name, decisionFor(pkg) === true ? 'approved' : 'denied']),
    );
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(recorded));
  });

  it('keeps no allowScripts entry for a package that has no install script', () => {
    const names = new Set(withScripts.map((pkg) => pkg.name));
    const stale = Object.keys(allowScripts).filter((key) => !names.has(key.replace(/(?<=.)@[^@]*$/, '')));
    expect(stale).toEqual([]);
  });
});
