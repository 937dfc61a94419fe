import fs from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_ASSUMPTIONS,
  formatRollbackTable,
  predictRollbackTimes,
  timingInputsFromSettings,
} from '../../../core/model/rollback-time';
import { settings } from '../../../contract/settings';
import { markdownSection, parseMarkdownTable } from '../../../contract/test/support/markdown';
import { LOOP_TABLE_HEADER, loopTableRows, PARTS_TABLE_HEADER, partsTableRows } from './loop-tables';

const doc = fs.readFileSync(path.resolve(__dirname, '../../../docs/rollback-times.md'), 'utf8');

/** The table whose header is `header` in the "Push and flip to verdict" section, its header included. */
function tableUnder(header: readonly string[]): string[][] {
  const section = markdownSection(doc, 'Push and flip to verdict', 'docs/rollback-times.md');
  const tables = section.split('\n\n').map(parseMarkdownTable);
  return tables.find((rows) => rows[0]?.join('|') === header.join('|')) ?? [];
}

describe('docs/rollback-times.md', () => {
  it('shows the tables the rehearsal model gives with the settings, CodeDeploy first, then native ECS', () => {
    const blocks = [...doc.matchAll(/```text\n([\s\S]*?)\n```/g)].map((m) => m[1]);
    // On failure, paste the model's tables into the text blocks.
    expect(blocks).toEqual(
      (['codedeploy', 'ecs'] as const).map((controller) =>
        formatRollbackTable(predictRollbackTimes(timingInputsFromSettings(settings, undefined, controller))),
      ),
    );
  });

  it('lists every assumption the model makes, with its value', () => {
    for (const [name, seconds] of Object.entries(DEFAULT_ASSUMPTIONS))
      expect(doc).toMatch(new RegExp(`\\| \`${name}\` +\\| ${seconds} +\\|`));
  });

  // On failure, paste loopTablesMarkdown() (tools/test/docs/loop-tables.ts) into the section, then format it.
  it('gives every fault its push-to-verdict and flip-to-verdict seconds on both controllers, as the model does', () => {
    expect(tableUnder(LOOP_TABLE_HEADER)).toEqual([LOOP_TABLE_HEADER, ...loopTableRows()]);
  });

  it('shows where health-fail’s seconds go in each loop, as the model does', () => {
    expect(tableUnder(PARTS_TABLE_HEADER)).toEqual([PARTS_TABLE_HEADER, ...partsTableRows()]);
  });
});
