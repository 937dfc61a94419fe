import fs from 'node:fs';
import path from 'node:path';
import { FAULT_TABLE_HEADER, faultTableMarkdown, faultTableRows, parseMarkdownTable } from './fault-table';

const readme = fs.readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');

function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start === -1) throw new Error(`README has no "## ${title}" section`);
  const next = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, next === -1 ? undefined : next);
}

describe('README', () => {
  it('has a Faults table that agrees cell by cell with the catalogue and the rehearsal model', () => {
    const table = parseMarkdownTable(section('Faults'));
    // On failure, paste this into the README: it is the table the catalogue and the model imply.
    const expected = faultTableMarkdown();
    expect({ table, expected }).toEqual({ table: [FAULT_TABLE_HEADER, ...faultTableRows()], expected });
  });

  it('documents every variable the service reads in Configuration', () => {
    const variables = parseMarkdownTable(section('Configuration')).map((row) => row[0]);
    expect(variables).toEqual(
      expect.arrayContaining(['`PORT`', '`HOST`', '`APP_VERSION`', '`LOG_LEVEL`', '`FAULTS`']),
    );
  });
});
