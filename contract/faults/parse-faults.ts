import { clipForMessage, ConfigError } from '../config-error';
import {
  FAULT_CATALOGUE,
  FAULT_NAMES,
  isFaultName,
  type ActiveFaults,
  type FaultName,
  type FaultValueKind,
  type HostPort,
} from './catalogue';
import { describeDuration, parseDuration, type DurationRule } from '../parse-units';
import { faultLimitProblem, RELEASE_FAULT_CONTEXT, type FaultContext } from './fault-limits';

const VARIABLE = 'FAULTS';

/** Characters of one entry's name or value a message repeats; the whole value is shown, clipped, before it. */
const NAME_CHARS = 40;

const ALLOWED_BY_KIND: Record<Exclude<FaultValueKind, 'milliseconds' | 'seconds'>, string> = {
  none: 'no value',
  port: 'an integer port from 1 to 65535',
  'host-port': 'host:port with a port from 1 to 65535',
  probability: 'a number from 0 to 1',
};

/** Durations in `FAULTS` are bare numbers in the fault's unit, 0 up to what a timer holds. */
const DURATION_RULES: Record<'milliseconds' | 'seconds', DurationRule> = {
  milliseconds: { bareUnit: 'ms', suffixes: false, whole: true, minMs: 0 },
  seconds: { bareUnit: 's', suffixes: false, minMs: 0 },
};

const allowedFor = (kind: FaultValueKind): string =>
  kind === 'milliseconds' || kind === 'seconds'
    ? describeDuration(DURATION_RULES[kind])
    : ALLOWED_BY_KIND[kind];

const allowedNames = (): string =>
  `one of ${FAULT_NAMES.join(', ')}, written name or name=value and separated by commas`;

function parsePort(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}

function parseFaultDuration(kind: 'milliseconds' | 'seconds', text: string): number | undefined {
  const parsed = parseDuration(text, DURATION_RULES[kind]);
  if (!parsed.ok) return undefined;
  // Back in the fault's own unit: latency in milliseconds, crash-after and slow-start in seconds.
  return kind === 'seconds' ? parsed.value / 1000 : parsed.value;
}

function parseHostPort(text: string): HostPort | undefined {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const host = text.slice(0, colon);
  const port = parsePort(text.slice(colon + 1));
  if (port === undefined || !/^[A-Za-z0-9.-]+$/.test(host)) return undefined;
  return { host, port };
}

function parseValue(kind: FaultValueKind, text: string): ActiveFaults[FaultName] | undefined {
  switch (kind) {
    case 'none':
      return undefined;
    case 'port':
      return parsePort(text);
    case 'host-port':
      return parseHostPort(text);
    case 'probability': {
      const n = /^(0|1)(\.\d+)?$|^\.\d+$/.test(text) ? Number(text) : Number.NaN;
      return n >= 0 && n <= 1 ? n : undefined;
    }
    case 'milliseconds':
    case 'seconds':
      return parseFaultDuration(kind, text);
  }
}

/** One `name` or `name=value` entry, validated against the catalogue. */
export function parseFaultEntry(
  entry: string,
  raw: string = entry,
): { name: FaultName; value: NonNullable<ActiveFaults[FaultName]> } {
  const eq = entry.indexOf('=');
  const name = (eq === -1 ? entry : entry.slice(0, eq)).trim();
  const given = eq === -1 ? undefined : entry.slice(eq + 1).trim();
  if (!isFaultName(name)) {
    throw new ConfigError(
      VARIABLE,
      raw,
      `unknown fault "${clipForMessage(name, NAME_CHARS)}"; allowed: ${allowedNames()}`,
    );
  }
  const spec = FAULT_CATALOGUE[name];
  if (spec.valueKind === 'none') {
    if (given !== undefined) {
      throw new ConfigError(VARIABLE, raw, `fault "${name}" takes no value; write it as "${name}"`);
    }
    return { name, value: true };
  }
  const text = given ?? spec.defaultValue ?? '';
  const value = parseValue(spec.valueKind, text);
  if (value === undefined) {
    throw new ConfigError(
      VARIABLE,
      raw,
      `fault "${name}" needs ${allowedFor(spec.valueKind)} (default ${spec.defaultValue ?? 'none'}), got "${clipForMessage(text, NAME_CHARS)}"`,
    );
  }
  return { name, value };
}

/**
 * Parses `FAULTS` (`name` or `name=value`, comma-separated). An empty or absent value means no fault.
 * Throws {@link ConfigError} naming the variable, the bad value (clipped, whatever its length) and what is
 * allowed, also for faults that cannot do what they say under `context` (see {@link faultLimitProblem}).
 * `context` defaults to the release's own: the container port.
 */
export function parseFaults(
  raw: string | undefined,
  context: FaultContext = RELEASE_FAULT_CONTEXT,
): ActiveFaults {
  const active: Partial<Record<FaultName, unknown>> = {};
  if (raw === undefined || raw.trim() === '') return active as ActiveFaults;
  for (const part of raw.split(',')) {
    const entry = part.trim();
    if (entry === '') {
      throw new ConfigError(VARIABLE, raw, `empty entry; allowed: ${allowedNames()}`);
    }
    const { name, value } = parseFaultEntry(entry, raw);
    if (name in active) {
      throw new ConfigError(VARIABLE, raw, `fault "${name}" is given twice`);
    }
    active[name] = value;
  }
  const problem = faultLimitProblem(active as ActiveFaults, context);
  if (problem !== undefined) throw new ConfigError(VARIABLE, raw, problem);
  return active as ActiveFaults;
}

/**
 * A fault's value as `FAULTS` writes it after `name=` (`9999`, `db:5432`, `0.5`), or `''` for a fault that
 * takes no value: the one way the tools turn a parsed value back into text.
 */
export function formatFaultValue<K extends FaultName>(value: NonNullable<ActiveFaults[K]>): string {
  if (value === true) return '';
  if (typeof value === 'object') return `${value.host}:${value.port}`;
  return String(value);
}

/** Writes active faults back in `FAULTS` form, in catalogue order; values equal to a default are still written. */
export function formatFaults(active: ActiveFaults): string {
  return FAULT_NAMES.flatMap((name) => {
    const value = active[name];
    if (value === undefined) return [];
    const text = formatFaultValue(value);
    return [text === '' ? name : `${name}=${text}`];
  }).join(',');
}
