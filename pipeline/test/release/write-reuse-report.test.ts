import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main, reuseReport, SKIPPED_STEPS } from '../../release/write-reuse-report';

const KEY = 'f'.repeat(64);
const IMAGE = `127.0.0.1:5000/rollback-rehearsal@sha256:${'a'.repeat(64)}`;

describe('the report of a build that reused its image', () => {
  it('is JUnit XML holding each skipped step as a skipped test that names the key and image, and the render as passed', () => {
    const xml = reuseReport(KEY, IMAGE);
    expect(xml).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="release build" tests="6" failures="0" errors="0" skipped="5">/,
    );
    expect(xml).toContain(`<testsuite name="content key ${KEY}"`);
    for (const step of SKIPPED_STEPS) {
      expect(xml).toContain(
        `name="${step}" time="0">\n      <skipped message="passed on the build that pushed ${IMAGE} for content key ${KEY}`,
      );
    }
    expect([...xml.matchAll(/<skipped /g)]).toHaveLength(SKIPPED_STEPS.length);
    expect(xml).toMatch(
      /<testcase [^>]*name="release files rendered for [^"]+, FAULTS parsed with the service&apos;s parser and limits" time="0"\/>/,
    );
  });

  it('escapes what XML would read as markup', () => {
    expect(reuseReport('<k&"', IMAGE)).toContain('content key &lt;k&amp;&quot;');
  });

  it('writes the report where --out says, creating the folder, and refuses missing flags with exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reuse-report-'));
    try {
      const out = new PassThrough();
      const err = new PassThrough();
      const deps = { cwd: dir, stdout: out, stderr: err };
      expect(main(['--key', KEY, '--image', IMAGE, '--out', 'reports/junit.xml'], deps)).toBe(0);
      expect(readFileSync(join(dir, 'reports/junit.xml'), 'utf8')).toBe(reuseReport(KEY, IMAGE));
      expect(main(['--key', KEY], deps)).toBe(2);
      expect(String(err.read())).toContain('--image, --out required');
      expect(main(['--keys', KEY], deps)).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
