import {
  MAX_TIMER_MS,
  parseCount,
  parseDuration,
  type CountRule,
  type DurationRule,
} from '../../../contract/parse-units';
import { UsageError } from './parse-command-args';

/** A duration flag: `500ms`, `30s`, `5m`, `1h` or a bare number of seconds, within the given bounds. */
export type DurationFlagRule = Omit<DurationRule, 'bareUnit' | 'suffixes'>;

/** Any duration a command waits on with a timer: at least 1 ms, at most what a timer holds. */
export const TIMER_DURATION: DurationFlagRule = { minMs: 1, maxMs: MAX_TIMER_MS };

/** Polling AWS more often than once a second only earns throttling errors. */
export const AWS_POLL: DurationFlagRule = {
  minMs: 1_000,
  why: 'AWS throttles faster polling; at most the longest delay a timer holds',
};

/** Requests in flight: each holds a socket and a file descriptor, and processes usually get 1024 of them. */
export const CONCURRENCY: CountRule = {
  whole: true,
  min: 1,
  max: 1_000,
  why: 'each request in flight holds a socket and a file descriptor',
};

/** How many requests to send: any count a number holds exactly. */
export const REQUEST_COUNT: CountRule = {
  whole: true,
  min: 1,
  max: Number.MAX_SAFE_INTEGER,
  why: 'the largest count held exactly',
};

/** A pace: one request per 1000 s at the slowest (slower is --interval); faster than the top is back to back. */
export const REQUEST_RATE: CountRule = {
  whole: false,
  min: 0.001,
  max: 100_000,
  unit: 'requests per second',
  why: 'slower paces are written with --interval, faster ones as --rate max',
};

/** Parses a duration flag into milliseconds; out of range or malformed is a usage error naming the range. */
export function durationFlag(text: string, flag: string, rule: DurationFlagRule = TIMER_DURATION): number {
  const parsed = parseDuration(text, { ...rule, bareUnit: 's', suffixes: true });
  if (!parsed.ok) throw new UsageError(`${flag} needs ${parsed.allowed}; got "${text}"`, flag);
  return parsed.value;
}

/** Parses a number flag; out of range or malformed is a usage error naming the range. */
export function countFlag(text: string, flag: string, rule: CountRule): number {
  const parsed = parseCount(text, rule);
  if (!parsed.ok) throw new UsageError(`${flag} needs ${parsed.allowed}; got "${text}"`, flag);
  return parsed.value;
}

/** A share such as an error rate, written `0.05` or `5%`: from 0 to 1 (0% to 100%). */
export function shareFlag(text: string, flag: string): number {
  const trimmed = text.trim();
  const isPercent = trimmed.endsWith('%');
  const parsed = parseCount(isPercent ? trimmed.slice(0, -1) : trimmed, {
    whole: false,
    min: 0,
    max: isPercent ? 100 : 1,
    why: 'a share of all requests',
  });
  if (!parsed.ok) {
    throw new UsageError(
      `${flag} needs a share from 0 to 1 or a percentage from 0% to 100% (0.05 and 5% are the same); got "${text}"`,
      flag,
    );
  }
  return isPercent ? parsed.value / 100 : parsed.value;
}
