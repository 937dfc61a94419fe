/** The colours the commands use: verdicts (green matched, red not), running work, and what is waiting. */
export type Tint = 'green' | 'red' | 'yellow' | 'dim';

const SGR: Record<Tint, number> = { green: 32, red: 31, yellow: 33, dim: 2 };

/** Returns the cursor to the start of the line and clears it: how a live line is redrawn in place. */
export const CLEAR_LINE = '\r\x1b[2K';

/** How a command writes to one stream: in colour or not, and with live lines redrawn in place or not. */
export interface OutputStyle {
  readonly colour: boolean;
  /** Lines rewritten in place (a status line, a block of live lines); otherwise one plain line per change. */
  readonly live: boolean;
  /** `text` in `tint` when the style has colour; `text` as it is otherwise. */
  readonly paint: (tint: Tint, text: string) => string;
}

/** A stream as the decision sees it: a terminal says so. */
export interface StyledStream {
  readonly isTTY?: boolean;
}

function wantsColour(stream: StyledStream, env: NodeJS.ProcessEnv): boolean {
  // no-color.org: any non-empty NO_COLOR turns colour off, whatever else is set.
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  // FORCE_COLOR asks for colour where it would be off (a CI log that renders it); 0 or false turn it off.
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

/**
 * The one decision of colour and live lines for a stream, from the stream and the environment.
 *
 * Colour: never with a non-empty `NO_COLOR`; otherwise as `FORCE_COLOR` says when it is set (`0` or
 * `false` off, anything else on, on a pipe too); otherwise never with `TERM=dumb`; otherwise only on a
 * terminal. Live lines: only on a terminal whose `TERM` is not `dumb`; the colour variables never make a
 * log rewrite its lines.
 */
export function outputStyle(stream: StyledStream, env: NodeJS.ProcessEnv): OutputStyle {
  const colour = wantsColour(stream, env);
  return {
    colour,
    live: stream.isTTY === true && env.TERM !== 'dumb',
    paint: (tint, text) => (colour ? `\x1b[${SGR[tint]}m${text}\x1b[0m` : text),
  };
}

/** No colour and no live lines: a log or a file. */
export const PLAIN_STYLE: OutputStyle = outputStyle({}, {});
