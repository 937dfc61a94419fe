import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeReport } from '../../local/report/write-report';
import { toIndexHtml } from './index-html';
import type { SuiteMeta } from './suite-meta';
import type { SuiteRun } from '../plan/suite-run';
import { toSummaryMarkdown } from './summary-markdown';

/**
 * Writes the suite's report into `dir` (created when missing): `index.html`, `summary.md`, and one folder
 * per finished rehearsal (`slug/`, or `controller/slug/` when several controllers ran) with its own `report.md`, `report.json` and `report.html`. Returns the paths of
 * the two suite files.
 */
export async function writeSuiteReport(
  dir: string,
  runs: readonly SuiteRun[],
  meta: SuiteMeta,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  await Promise.all(
    runs.flatMap((run) =>
      run.state === 'done' ? [writeReport(path.join(dir, run.entry.folder), run.result)] : [],
    ),
  );
  const files: [string, string][] = [
    ['index.html', toIndexHtml(runs, meta)],
    ['summary.md', toSummaryMarkdown(runs, meta)],
  ];
  await Promise.all(files.map(([name, text]) => writeFile(path.join(dir, name), text)));
  return files.map(([name]) => path.join(dir, name));
}
