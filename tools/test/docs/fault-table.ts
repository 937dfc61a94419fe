import { FAULT_CATALOGUE, FAULT_NAMES } from '../../../contract/faults/catalogue';
import { markdownTable } from '../../../contract/test/support/markdown';
import { catalogueRows } from '../../src/faults/catalogue-rows';

/** The header of the README's "Faults" table. */
export const FAULT_TABLE_HEADER = [
  'fault',
  'value (default)',
  'effect on the service',
  'rehearsal',
  'expected in a release',
  'decided by (codedeploy)',
  'worst case s (codedeploy)',
  'decided by (ecs)',
  'worst case s (ecs)',
];

/**
 * The README's "Faults" rows, cell by cell: the catalogue's columns, then the rehearsal model's expected
 * outcome, then the deciding signal and worst-case seconds at the default value on each controller, so the
 * docs cannot disagree.
 */
export function faultTableRows(): string[][] {
  const rows = catalogueRows('codedeploy');
  const native = catalogueRows('ecs');
  const seconds = (s: number | null) => (s === null ? '-' : String(s));
  return FAULT_NAMES.map((name, i) => {
    const spec = FAULT_CATALOGUE[name];
    const row = rows[i]!;
    const ecs = native[i]!;
    const value = spec.valueKind === 'none' ? 'none' : `${spec.valueKind} (\`${spec.defaultValue}\`)`;
    return [
      `\`${name}\``,
      value,
      spec.effect,
      String(spec.rehearsal),
      row.expectedText,
      row.decidedBy ?? '-',
      seconds(row.modelledSeconds),
      ecs.decidedBy ?? '-',
      seconds(ecs.modelledSeconds),
    ];
  });
}

/** The table as Markdown, for pasting into the README when the catalogue or the model changes. */
export function faultTableMarkdown(): string {
  return markdownTable(FAULT_TABLE_HEADER, faultTableRows());
}
