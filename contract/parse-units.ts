/**
 * The one parser for durations and the one for counts, shared by the service (`FAULTS`) and every rehearsal
 * command. Each takes its bounds with the reason for them, so an out-of-range value is refused with the
 * allowed range and why, instead of being accepted and misbehaving later (a timer past its maximum fires at
 * once). Pure: callers turn a refusal into their own error (the service's ConfigError, a command's usage
 * error).
 */

/**
 * The longest delay a Node timer holds: 2^31 - 1 ms, about 24.8 days. A longer delay is clamped to 1 ms
 * and fires at once, so no duration that ends in a timer may exceed it.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** Why {@link MAX_TIMER_MS} bounds a duration, for messages. */
export const TIMER_LIMIT_REASON = 'the longest delay a timer holds';

/** A parsed value, or what is allowed instead. */
export type Parsed =
  { readonly ok: true; readonly value: number } | { readonly ok: false; readonly allowed: string };

export interface DurationRule {
  /** Unit of a bare number: `ms` for `latency=2000`, `s` for `crash-after=60` and command flags. */
  readonly bareUnit: 'ms' | 's';
  /** Whether `500ms`, `30s`, `5m` or `1h` are accepted (command flags) or only a bare number (`FAULTS`). */
  readonly suffixes: boolean;
  /** Only whole numbers of the bare unit (`latency` is whole milliseconds). @default false */
  readonly whole?: boolean;
  /** Smallest allowed, in milliseconds. */
  readonly minMs: number;
  /** Largest allowed, in milliseconds. @default MAX_TIMER_MS */
  readonly maxMs?: number;
  /** Why the bounds are what they are. @default TIMER_LIMIT_REASON */
  readonly why?: string;
}

export interface CountRule {
  /** Only whole numbers (requests, workers). */
  readonly whole: boolean;
  readonly min: number;
  readonly max: number;
  /** Why the bounds are what they are. */
  readonly why: string;
  /** What the number counts, for messages (`requests per second`). @default none */
  readonly unit?: string;
}

const FACTOR_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const DECIMAL = /^(\d+(?:\.\d+)?|\.\d+)$/;
const WITH_SUFFIX = /^(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h)?$/;

/** `123.456` written without float noise (`0.1 + 0.2` style artefacts of unit conversion). */
const plain = (n: number): string => (Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(12))));

/** What a duration rule allows, in words: the form, the range and why. */
export function describeDuration(rule: DurationRule): string {
  const max = rule.maxMs ?? MAX_TIMER_MS;
  const why = rule.why ?? TIMER_LIMIT_REASON;
  if (!rule.suffixes) {
    const factor = FACTOR_MS[rule.bareUnit];
    const unit = rule.bareUnit === 'ms' ? 'milliseconds' : 'seconds';
    return `${rule.whole ? 'a whole number' : 'a number'} of ${unit} from ${plain(rule.minMs / factor)} to ${plain(max / factor)} (${why})`;
  }
  return `a duration from ${plain(rule.minMs)}ms to ${plain(max)}ms (${why}), written like 500ms, 30s, 5m or 1h; a bare number is ${rule.bareUnit === 's' ? 'seconds' : 'milliseconds'}`;
}

/** Parses a duration into milliseconds within the rule's bounds. */
export function parseDuration(text: string, rule: DurationRule): Parsed {
  const refused: Parsed = { ok: false, allowed: describeDuration(rule) };
  const match = (rule.suffixes ? WITH_SUFFIX : DECIMAL).exec(text.trim());
  if (!match?.[1]) return refused;
  const amount = Number(match[1]);
  const unit = (match[2] as keyof typeof FACTOR_MS | undefined) ?? rule.bareUnit;
  if (rule.whole && unit === rule.bareUnit && !Number.isInteger(amount)) return refused;
  const ms = amount * FACTOR_MS[unit];
  if (!Number.isFinite(ms) || ms < rule.minMs || ms > (rule.maxMs ?? MAX_TIMER_MS)) return refused;
  return { ok: true, value: ms };
}

/** Parses a plain decimal number (no sign, exponent or hex) within the rule's bounds. */
export function parseCount(text: string, rule: CountRule): Parsed {
  const kind = rule.whole ? 'a whole number' : 'a number';
  const unit = rule.unit ? ` ${rule.unit}` : '';
  const refused: Parsed = {
    ok: false,
    allowed: `${kind} from ${plain(rule.min)} to ${plain(rule.max)}${unit} (${rule.why})`,
  };
  if (!DECIMAL.test(text.trim())) return refused;
  const n = Number(text.trim());
  if (!Number.isFinite(n) || (rule.whole && !Number.isInteger(n)) || n < rule.min || n > rule.max) {
    return refused;
  }
  return { ok: true, value: n };
}
