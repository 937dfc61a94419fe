import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repositoryFiles } from '../helpers/repository-files';

/* The README is a front page; docs/ holds the rest. Every link between them must lead somewhere. */
const ROOT = join(__dirname, '../../..');
const pages = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((file) => `docs/${file}`)];
const read = (page: string): string => readFileSync(join(ROOT, page), 'utf8');

/** Markdown links outside code blocks, without web addresses. */
function localLinks(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?```/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z]+:/i.test(target));
}

function anchors(text: string): Set<string> {
  return new Set(
    [...text.matchAll(/^#+\s+(.+)$/gm)].map((m) =>
      m[1]!
        .toLowerCase()
        .replace(/[^a-z0-9 _-]/g, '')
        .replace(/ /g, '-'),
    ),
  );
}

describe('the documentation', () => {
  it.each(pages)('%s links only to files and headings that exist', (page) => {
    const broken = localLinks(read(page)).filter((link) => {
      const [file = '', anchor] = link.split('#');
      const target = file === '' ? page : join(dirname(page), file);
      if (!existsSync(join(ROOT, target))) return true;
      return anchor !== undefined && target.endsWith('.md') && !anchors(read(target)).has(anchor);
    });
    expect(broken).toEqual([]);
  });

  it('keeps the README a front page of at most 20 KB', () => {
    expect(Buffer.byteLength(read('README.md'))).toBeLessThanOrEqual(20 * 1024);
  });

  it('refers to nothing a reader of the repository cannot open', () => {
    // Notes the project was started from are not part of it; every statement must stand on what is here.
    const outside =
      /\b(?:SCENARIOS|DESIGN|REFERENCE|ENVIRONMENT)\.md\b|\bseeds\/|source documents|the seed's/;
    const tracked = repositoryFiles(ROOT).filter(
      (file) => file !== 'package-lock.json' && !file.endsWith('docs.test.ts'),
    );
    const hits = tracked.filter((file) => outside.test(read(file)));
    expect(hits).toEqual([]);
  });

  it('links every page in docs/ from the README', () => {
    const linked = new Set(localLinks(read('README.md')).map((link) => link.split('#')[0]));
    expect(pages.filter((page) => page.startsWith('docs/') && !linked.has(page))).toEqual([]);
  });

  it.each(pages)('%s wraps its prose for a terminal (120 columns; tables and code excepted)', (page) => {
    const prose = read(page)
      .replace(/```[\s\S]*?```/g, '')
      .split('\n')
      .filter((line) => !line.startsWith('|'));
    expect(prose.filter((line) => line.length > 120)).toEqual([]);
  });
});
