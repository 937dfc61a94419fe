import { LineSplitter } from '../../src/process/line-splitter';

function split(
  chunks: readonly (string | Buffer)[],
  maxLineChars?: number,
): { lines: string[]; pending: string } {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line), maxLineChars);
  for (const chunk of chunks) splitter.write(chunk);
  const pending = splitter.pending;
  splitter.end();
  return { lines, pending };
}

describe('LineSplitter', () => {
  it('carries an unfinished line over to the next chunk', () => {
    expect(split(['{"msg":"sta', 'rt"}\nnext', ' line\n'])).toEqual({
      lines: ['{"msg":"start"}', 'next line'],
      pending: '',
    });
  });

  it('joins a UTF-8 character split between two chunks', () => {
    const bytes = Buffer.from('Größe\n', 'utf8');
    expect(split([bytes.subarray(0, 3), bytes.subarray(3)]).lines).toEqual(['Größe']);
  });

  it('hands over a last line without a newline when the stream ends, and holds it as pending before', () => {
    expect(split(['one\ntwo'])).toEqual({ lines: ['one', 'two'], pending: 'two' });
  });

  it('keeps only the start of a line longer than the limit, however many chunks it spans', () => {
    const { lines } = split(['x'.repeat(30), 'y'.repeat(30), 'z\nshort\n'], 40);
    expect(lines).toEqual([`${'x'.repeat(30)}${'y'.repeat(10)}`, 'short']);
  });
});
