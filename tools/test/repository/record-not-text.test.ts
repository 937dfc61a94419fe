import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/*
 * The rehearsal record is typed events; the human line is derived from them (describeEvent). Nothing that
 * produces a verdict, a chart, a report or a live line may read meaning back out of text: no parsing of a
 * `message`, a `detail`, a `reason` or a described event.
 */
const ROOT = join(__dirname, '../../..');
const FOLDERS = ['tools/src/experiment', 'tools/src/local', 'tools/src/drill', 'tools/src/suite'];
const PARSED_TEXT =
  /\b(?:message|detail|reason|text|describeEvent\([^)]*\))\s*\??\.\s*(?:split|startsWith|endsWith|includes|match|matchAll|indexOf|search)\s*\(/;
const REGEX_ON_TEXT = /\.(?:test|exec)\(\s*[\w.]*\b(?:message|detail|reason|text)\b/;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function offending(file: string): string[] {
  return readFileSync(join(ROOT, file), 'utf8')
    .split('\n')
    .flatMap((line, i) =>
      PARSED_TEXT.test(line) || REGEX_ON_TEXT.test(line)
        ? [`${relative(ROOT, join(ROOT, file))}:${i + 1}: ${line.trim()}`]
        : [],
    );
}

describe('the rehearsal record', () => {
  const files = FOLDERS.flatMap(sources);

  it('finds the files that read it', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'tools/src/experiment/read-record.ts',
        'tools/src/local/report/timeline-chart.ts',
      ]),
    );
  });

  it('is never read back out of message text in production code', () => {
    expect(files.flatMap(offending)).toEqual([]);
  });

  it('would catch the forms it forbids', () => {
    for (const line of [
      "const label = e.message.split(':')[0];",
      "if (event.message.startsWith('Install')) {}",
      "if (stop.detail.includes('guard')) {}",
      "const phase = describeEvent(e).split(':')[0];",
      'if (/ALARM/.test(e.message)) {}',
    ])
      expect(PARSED_TEXT.test(line) || REGEX_ON_TEXT.test(line)).toBe(true);
  });
});
