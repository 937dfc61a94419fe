import { FAULT_CATALOGUE, FAULT_NAMES } from '../../../contract/faults/catalogue';
import { markdownTable } from '../../../contract/test/support/markdown';
import { catalogueRows } from '../../src/faults/catalogue-rows';

/** The header of docs/faults.md's "Catalogue" table: every column, too wide for the README. */
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
 * docs/faults.md's "Catalogue" rows, cell by cell: the catalogue's columns, then the rehearsal model's expected
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

/** The table as Markdown, for pasting into docs/faults.md when the catalogue or the model changes. */
export function faultTableMarkdown(): string {
  return markdownTable(FAULT_TABLE_HEADER, faultTableRows());
}

/** The header of the README's "Faults" table: the same facts in a width that fits a terminal. */
export const SHORT_FAULT_TABLE_HEADER = ['fault', 'default', '#', 'release', 'decided by', 'worst case s'];

/**
 * The README's rows: the long table without the effect and the expected text; the seconds are CodeDeploy's,
 * then native ECS's.
 */
export function shortFaultTableRows(): string[][] {
  const native = catalogueRows('ecs');
  return catalogueRows('codedeploy').map((row, i) => {
    const ecs = native[i]!;
    const seconds = (s: number | null) => (s === null ? '-' : String(s));
    return [
      `\`${row.name}\``,
      row.defaultValue === null ? '-' : `\`${row.defaultValue}\``,
      String(row.rehearsal),
      row.expectedRelease.outcome,
      // One signal when both controllers agree, as they do at the defaults; both when they do not.
      row.decidedBy === ecs.decidedBy
        ? (row.decidedBy ?? '-')
        : `${row.decidedBy ?? '-'} / ${ecs.decidedBy ?? '-'}`,
      `${seconds(row.modelledSeconds)} / ${seconds(ecs.modelledSeconds)}`,
    ];
  });
}

/** The README's table as Markdown, for pasting when the catalogue or the model changes. */
export function shortFaultTableMarkdown(): string {
  return markdownTable(SHORT_FAULT_TABLE_HEADER, shortFaultTableRows());
}
