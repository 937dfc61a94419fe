import { outputStyle } from '../../src/terminal/output-style';

const TTY = { isTTY: true };
const PIPE = {};

describe('colour', () => {
  it.each([
    ['a terminal', TTY, {}, true],
    ['a pipe or a file', PIPE, {}, false],
    ['a terminal with NO_COLOR=1', TTY, { NO_COLOR: '1' }, false],
    ['a terminal with an empty NO_COLOR (unset, as no-color.org says)', TTY, { NO_COLOR: '' }, true],
    ['a terminal with TERM=dumb', TTY, { TERM: 'dumb' }, false],
    ['a pipe with FORCE_COLOR=1', PIPE, { FORCE_COLOR: '1' }, true],
    ['a pipe with FORCE_COLOR=3', PIPE, { FORCE_COLOR: '3' }, true],
    ['a terminal with FORCE_COLOR=0', TTY, { FORCE_COLOR: '0' }, false],
    ['a terminal with FORCE_COLOR=false', TTY, { FORCE_COLOR: 'false' }, false],
    ['TERM=dumb with FORCE_COLOR=1', TTY, { TERM: 'dumb', FORCE_COLOR: '1' }, true],
    ['NO_COLOR with FORCE_COLOR=1', TTY, { NO_COLOR: '1', FORCE_COLOR: '1' }, false],
  ])('on %s: %s', (_where, stream, env, expected) => {
    expect(outputStyle(stream, env).colour).toBe(expected);
  });

  it('paints with an SGR colour and a reset only when there is colour', () => {
    expect(outputStyle(TTY, {}).paint('green', 'yes')).toBe('\x1b[32myes\x1b[0m');
    expect(outputStyle(TTY, {}).paint('red', 'NO')).toBe('\x1b[31mNO\x1b[0m');
    expect(outputStyle(PIPE, {}).paint('green', 'yes')).toBe('yes');
  });
});

describe('live lines', () => {
  it.each([
    ['a terminal', TTY, {}, true],
    ['a pipe or a file', PIPE, {}, false],
    ['a terminal with TERM=dumb', TTY, { TERM: 'dumb' }, false],
    ['a terminal with NO_COLOR=1 (colour only)', TTY, { NO_COLOR: '1' }, true],
    [
      'a pipe with FORCE_COLOR=1 (colour only, a log never rewrites lines)',
      PIPE,
      { FORCE_COLOR: '1' },
      false,
    ],
  ])('on %s: %s', (_where, stream, env, expected) => {
    expect(outputStyle(stream, env).live).toBe(expected);
  });
});
