/**
 * Markdown tables and sections for the tests that hold documents to the code (the README's faults table,
 * the IAM contract in docs/deploy.md): one reader and one writer for every part's tests.
 */

/** A Markdown table: the header row, the separator, then one line per row. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
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

/** The text of the `## title` section of `text`, up to the next `## ` heading; `where` names it in errors. */
export function markdownSection(text: string, title: string, where = 'the document'): string {
  const start = text.indexOf(`\n## ${title}\n`);
  if (start === -1) throw new Error(`${where} has no "## ${title}" section`);
  const next = text.indexOf('\n## ', start + 1);
  return text.slice(start, next === -1 ? undefined : next);
}
