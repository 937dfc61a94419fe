import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { markdownSection, parseMarkdownTable } from '../../contract/test/support/markdown';
import { CONTRACT_TABLE_HEADER, contractCells, contractTableMarkdown } from './iam/contract-markdown';
import { IAM_CONTRACT } from './iam/iam-contract';

const deployDoc = readFileSync(join(__dirname, '..', '..', 'docs', 'deploy.md'), 'utf8');

/** The text of a `## title` section of docs/deploy.md, up to the next `## ` heading. */
const section = (title: string): string => markdownSection(deployDoc, title, 'docs/deploy.md');

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
