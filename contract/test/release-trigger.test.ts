import { DOCS_ONLY_PATHS, skippedByTrigger, triggerGlobMatches } from '../release-trigger';

describe('the release trigger', () => {
  it.each([
    ['*.md', 'README.md', true],
    ['*.md', 'docs/runbook.md', false],
    ['**/*.md', 'app/NOTES.md', true],
    ['**/*.md', 'README.md', false],
    ['docs/**', 'docs/a/b.png', true],
    ['LICENSE', 'LICENSE.txt', false],
    ['taskdef.?son', 'taskdef.json', true],
  ])('matches %s against %s: %s', (pattern, path, expected) => {
    expect(triggerGlobMatches(pattern, path)).toBe(expected);
  });

  it('skips a change that touches documentation only', () => {
    expect(skippedByTrigger(['README.md', 'docs/runbook.md', 'LICENSE'])).toBe(true);
  });

  it('releases a change that touches any other file beside the documentation', () => {
    expect(skippedByTrigger(['README.md', 'taskdef.json'])).toBe(false);
  });

  it('releases a change whose files are not known', () => {
    expect(skippedByTrigger([])).toBe(false);
  });

  it('reads the excluded paths it is given', () => {
    expect(skippedByTrigger(['taskdef.json'], ['*.json'])).toBe(true);
    expect(skippedByTrigger(['README.md'], [])).toBe(false);
    expect(DOCS_ONLY_PATHS).toContain('docs/**');
  });
});
