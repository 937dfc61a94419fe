import { FAULT_CATALOGUE, FAULT_NAMES, type ActiveFaults } from '../../../contract/faults/catalogue';
import { formatFaults, parseFaults } from '../../../contract/faults/parse-faults';
import { UsageError } from '../args/parse-command-args';

/** The word for the healthy release (no fault) in `--faults`. */
export const HEALTHY = 'none';

/** One rehearsal of the suite: the faults of its green release and how it is named. */
export interface SuiteEntry {
  /** `FAULTS` as written (`latency=2000`), or `none` for the healthy release. */
  readonly label: string;
  /** A folder name for its report: lower-case letters, digits and dashes, unique within the suite. */
  readonly slug: string;
  readonly faults: ActiveFaults;
}

/** The default list: the healthy release, then every catalogue fault at its default value. */
export function defaultFaultList(): string {
  return [
    HEALTHY,
    ...FAULT_NAMES.map((name) => {
      const value = FAULT_CATALOGUE[name].defaultValue;
      return value === undefined ? name : `${name}=${value}`;
    }),
  ].join(',');
}

/**
 * The suite's rehearsals from a comma-separated list (`none,latency=500,health-fail`), one rehearsal per
 * item, in the order given. Throws the service's own `ConfigError` for an unknown fault or a bad value,
 * and a {@link UsageError} about `--faults` for an empty item or an item listed twice.
 */
export function suitePlan(list: string = defaultFaultList()): SuiteEntry[] {
  const entries: SuiteEntry[] = [];
  for (const item of list.split(',').map((part) => part.trim())) {
    if (item === '') throw new UsageError(`--faults has an empty item: "${list}"`, '--faults');
    const faults = item === HEALTHY ? {} : parseFaults(item);
    const label = formatFaults(faults) || HEALTHY;
    if (entries.some((e) => e.label === label))
      throw new UsageError(`--faults lists "${label}" twice`, '--faults');
    entries.push({ label, slug: uniqueSlug(label, entries), faults });
  }
  return entries;
}

function uniqueSlug(label: string, taken: readonly SuiteEntry[]): string {
  const base =
    label === HEALTHY
      ? 'healthy'
      : label
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-|-$/g, '');
  let slug = base;
  for (let n = 2; taken.some((e) => e.slug === slug); n++) slug = `${base}-${n}`;
  return slug;
}
