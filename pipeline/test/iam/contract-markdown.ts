/**
 * The IAM contract as the Markdown table docs/deploy.md shows, cell by cell, so a test can hold the
 * document to the code and print the table to paste when the contract changes.
 */
import { markdownTable } from '../../../contract/test/support/markdown';
import type { ContractRow } from './iam-contract';

/** The header row of the table in docs/deploy.md. */
export const CONTRACT_TABLE_HEADER = [
  'principal',
  'call',
  'resource as IAM evaluates it',
  'context keys AWS sets',
  'IAM must',
  'when',
  'source',
] as const;

/** One row's cells, in the order of {@link CONTRACT_TABLE_HEADER}. */
export function contractCells(row: ContractRow): string[] {
  const context = Object.entries(row.context ?? {}).map(([key, value]) => `\`${key}\` = \`${value}\``);
  return [
    row.principal,
    `\`${row.action}\``,
    `\`${row.resource}\``,
    context.length === 0 ? 'none' : context.join(', '),
    row.expect,
    row.phases.join(', '),
    row.source,
  ];
}

/** The whole table as Markdown. */
export function contractTableMarkdown(rows: readonly ContractRow[]): string {
  return markdownTable(CONTRACT_TABLE_HEADER, rows.map(contractCells));
}
