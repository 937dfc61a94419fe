import fs from 'node:fs';
import path from 'node:path';
import { markdownSection as section, parseMarkdownTable } from '../../../contract/test/support/markdown';
import {
  FAULT_TABLE_HEADER,
  faultTableMarkdown,
  faultTableRows,
  SHORT_FAULT_TABLE_HEADER,
  shortFaultTableMarkdown,
  shortFaultTableRows,
} from './fault-table';

const read = (file: string): string => fs.readFileSync(path.resolve(__dirname, '../../..', file), 'utf8');

describe('the documentation', () => {
  it('has a Faults table in the README that agrees cell by cell with the catalogue and the rehearsal model', () => {
    const table = parseMarkdownTable(section(read('README.md'), 'Faults'));
    // On failure, paste this into the README: it is the table the catalogue and the model imply.
    const expected = shortFaultTableMarkdown();
    expect({ table, expected }).toEqual({
      table: [SHORT_FAULT_TABLE_HEADER, ...shortFaultTableRows()],
      expected,
    });
  });

  it('keeps the README fault table within a 120-column terminal, columns aligned', () => {
    const rows = [SHORT_FAULT_TABLE_HEADER, ...shortFaultTableRows()];
    const widths = SHORT_FAULT_TABLE_HEADER.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    const aligned = widths.reduce((sum, w) => sum + w + 3, 1);
    expect(aligned).toBeLessThanOrEqual(120);
  });

  it('has the whole catalogue in docs/faults.md, cell by cell', () => {
    const table = parseMarkdownTable(section(read('docs/faults.md'), 'Catalogue'));
    // On failure, paste this into docs/faults.md.
    const expected = faultTableMarkdown();
    expect({ table, expected }).toEqual({ table: [FAULT_TABLE_HEADER, ...faultTableRows()], expected });
  });

  it('documents every variable the service reads in docs/service.md', () => {
    const variables = parseMarkdownTable(section(read('docs/service.md'), 'Configuration')).map(
      (row) => row[0],
    );
    expect(variables).toEqual(
      expect.arrayContaining([
        '`PORT`',
        '`METRICS_PORT`',
        '`HOST`',
        '`APP_VERSION`',
        '`LOG_LEVEL`',
        '`FAULTS`',
      ]),
    );
  });
});
