import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CONTRACT_TABLE_HEADER,
  contractCells,
  contractTableMarkdown,
  parseMarkdownTable,
} from './iam/contract-markdown';
import { IAM_CONTRACT } from './iam/iam-contract';

const deployDoc = readFileSync(join(__dirname, '..', '..', 'docs', 'deploy.md'), 'utf8');

/** The text of a `## title` section of docs/deploy.md, up to the next `## ` heading. */
function section(title: string): string {
  const start = deployDoc.indexOf(`\n## ${title}\n`);
  if (start === -1) throw new Error(`docs/deploy.md has no "## ${title}" section`);
  const next = deployDoc.indexOf('\n## ', start + 1);
  return deployDoc.slice(start, next === -1 ? undefined : next);
}

describe('docs/deploy.md', () => {
  it('shows the IAM contract row by row as the code states it', () => {
    const table = parseMarkdownTable(section('IAM contract'));
    // On failure, paste `expected` into docs/deploy.md: it is the table the contract implies.
    const expected = contractTableMarkdown(IAM_CONTRACT);
    expect({ table, expected }).toEqual({
      table: [[...CONTRACT_TABLE_HEADER], ...IAM_CONTRACT.map(contractCells)],
      expected,
    });
  });

  it('says that the IAM evaluator is AGPL-3.0 and used only in the tests', () => {
    expect(section('IAM contract')).toMatch(
      /`@cloud-copilot\/iam-simulate`, licensed AGPL-3\.0; it is a\s+devDependency, loaded only by the tests/,
    );
  });
});
