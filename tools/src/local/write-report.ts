import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RehearsalResult } from './rehearsal';
import { toHtml } from './report-html';
import { toJson } from './report-json';
import { toMarkdown } from './report-markdown';

/** Writes `report.md`, `report.json` and `report.html` into `dir` (created when missing); returns their paths. */
export async function writeReport(dir: string, result: RehearsalResult): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: [string, string][] = [
    ['report.md', toMarkdown(result)],
    ['report.json', `${JSON.stringify(toJson(result), null, 2)}\n`],
    ['report.html', toHtml(result)],
  ];
  await Promise.all(files.map(([name, text]) => writeFile(path.join(dir, name), text)));
  return files.map(([name]) => path.join(dir, name));
}
