/**
 * The IAM contract as the Markdown table docs/deploy.md shows, cell by cell, so a test can hold the
 * document to the code and print the table to paste when the contract changes.
 */
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
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [
    line(CONTRACT_TABLE_HEADER),
    line(CONTRACT_TABLE_HEADER.map(() => '---')),
    ...rows.map((row) => line(contractCells(row))),
  ].join('\n');
}

/** The cells of every Markdown table row in `text`, separator rows left out. */
export function parseMarkdownTable(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l.trim().startsWith('|'))
    .map((l) =>
      l
        .trim()
        .replace(/^\||\|$/g, '')
        .split('|')
        .map((c) => c.trim()),
    )
    .filter((cells) => !cells.every((c) => /^:?-+:?$/.test(c)));
}
