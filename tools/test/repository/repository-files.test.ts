import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  isGitWorkTree,
  parseGitignore,
  repositoryFiles,
  walkRepositoryFiles,
} from '../helpers/repository-files';

const ROOT = join(__dirname, '../../..');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'repository-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function files(tree: Record<string, string>): void {
  for (const [path, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

describe('the repository file list without git', () => {
  it('walks the tree, leaving out installs, build output and what .gitignore lists', () => {
    files({
      '.gitignore': '# build\n/out/\n*.tsbuildinfo\nscratch/\n',
      'README.md': '',
      'src/a.ts': '',
      'src/scratch/notes.md': '',
      'src/tsconfig.tsbuildinfo': '',
      'out/x.js': '',
      'lib/out/kept.ts': '',
      'node_modules/pkg/index.js': '',
      'dist/a.js': '',
      'cdk.out/manifest.json': '',
      'reports/junit.xml': '',
      'coverage/lcov.info': '',
    });

    expect(repositoryFiles(dir)).toEqual(['.gitignore', 'README.md', 'lib/out/kept.ts', 'src/a.ts']);
  });

  it('knows a folder without .git is no work tree', () => {
    files({ 'a.ts': '' });
    expect(isGitWorkTree(dir)).toBe(false);
  });

  it('stops at a .gitignore rule it cannot follow, naming the line', () => {
    expect(() => parseGitignore('dist/\n!dist/keep.js\n')).toThrow(/\.gitignore line "!dist\/keep\.js"/);
  });
});

const describeInWorkTree = isGitWorkTree(ROOT) ? describe : describe.skip;

describeInWorkTree('the repository file list in a git work tree', () => {
  it('walking an export of HEAD finds exactly the files git has in HEAD', () => {
    // What CodeBuild gets from CodePipeline: the commit's files, no .git.
    const archive = execFileSync('git', ['archive', 'HEAD'], { cwd: ROOT, maxBuffer: 256 * 1024 * 1024 });
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
    const inHead = execFileSync('git', ['ls-tree', '-r', '--name-only', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((file) => file !== '')
      .sort();

    expect(walkRepositoryFiles(dir)).toEqual(inHead);
  });
});
