import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { cdkJsonContext } from './build-stacks';

/* cdk.json decides every flag the pinned aws-cdk-lib recommends; each one set otherwise says why in the docs. */
const ROOT = join(__dirname, '..', '..');
const context = cdkJsonContext();
const decisions = readFileSync(join(ROOT, 'docs', 'design-decisions.md'), 'utf8');
const recommended = Object.entries(CURRENTLY_RECOMMENDED_FLAGS);

describe('cdk.json feature flags', () => {
  it('reads the library’s recommendations', () => {
    expect(recommended.length).toBeGreaterThan(50);
  });

  it('sets every flag the pinned aws-cdk-lib recommends', () => {
    expect(recommended.map(([flag]) => flag).filter((flag) => !(flag in context))).toEqual([]);
  });

  it('explains in docs/design-decisions.md each flag set to other than the recommended value', () => {
    const differing = recommended.filter(
      ([flag, value]) => flag in context && JSON.stringify(context[flag]) !== JSON.stringify(value),
    );
    const unexplained = differing
      .map(([flag]) => flag)
      .filter((flag) => !decisions.includes(`| \`${flag}\``));
    expect(differing.length).toBeGreaterThan(0);
    expect(unexplained).toEqual([]);
  });
});
