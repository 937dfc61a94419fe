import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { repositoryFiles } from '../helpers/repository-files';

/* A long procedure reads as its named steps: no production function may grow past a screenful or two. */
const ROOT = join(__dirname, '../../..');
const LIMIT = 100;

const production = repositoryFiles(ROOT).filter(
  (f) => f.endsWith('.ts') && !/(^|\/)test\//.test(f) && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'),
);

function functionLengths(file: string): { where: string; lines: number }[] {
  const source = ts.createSourceFile(
    file,
    readFileSync(join(ROOT, file), 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const found: { where: string; lines: number }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      found.push({ where: `${file}:${start + 1}`, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('production functions', () => {
  it('finds the sources it measures', () => {
    expect(production.length).toBeGreaterThan(50);
  });

  it(`are at most ${LIMIT} lines long`, () => {
    const long = production
      .flatMap(functionLengths)
      .filter((f) => f.lines > LIMIT)
      .map((f) => `${f.where} (${f.lines} lines)`);
    expect(long).toEqual([]);
  });
});
