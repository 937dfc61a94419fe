/** A column of a plain-text table; cells wider than `width` wrap at spaces. */
export interface Column {
  readonly title: string;
  readonly width: number;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  lines.push(line);
  return lines;
}

/** Renders rows under a header; each row can span several lines when a cell wraps. */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const render = (cells: readonly string[]): string[] => {
    const wrapped = columns.map((column, i) => wrap(cells[i] ?? '', column.width));
    const height = Math.max(...wrapped.map((lines) => lines.length));
    return Array.from({ length: height }, (_, row) =>
      columns
        .map((column, i) => (wrapped[i]![row] ?? '').padEnd(column.width))
        .join('  ')
        .trimEnd(),
    );
  };
  const header = render(columns.map((c) => c.title));
  const rule = columns.map((c) => '-'.repeat(c.width)).join('  ');
  return [...header, rule, ...rows.flatMap((row) => [...render(row), ''])].join('\n').trimEnd();
}
