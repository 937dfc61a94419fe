import { FAULT_CATALOGUE, FAULT_NAMES, type ActiveFaults } from '../../../../contract/faults/catalogue';
import { formatFaults, parseFaults } from '../../../../contract/faults/parse-faults';
import { DEFAULT_CONTROLLER, type DeploymentControllerName } from '../../../../contract/native-strategies';
import { UsageError } from '../../args/parse-command-args';

/** The word for the healthy release (no fault) in `--faults`. */
export const HEALTHY = 'none';

/** One rehearsal of the suite: the faults of its green release, the controller that releases it, and how it is named. */
export interface SuiteEntry {
  /** `FAULTS` as written (`latency=2000`), or `none` for the healthy release. */
  readonly label: string;
  /** The fault's folder name: lower-case letters, digits and dashes, unique among one controller's rehearsals. */
  readonly slug: string;
  readonly faults: ActiveFaults;
  readonly controller: DeploymentControllerName;
  /**
   * The rehearsal's name in lines and lists: `label` when the suite runs one controller, `label on
   * controller` when it runs several.
   */
  readonly name: string;
  /**
   * Its report folder inside the suite's, unique within the suite: `slug` when the suite runs one
   * controller (the layout of a single-controller suite), `controller/slug` when it runs several.
   */
  readonly folder: string;
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

type Fault = Pick<SuiteEntry, 'label' | 'slug' | 'faults'>;

/**
 * The suite's rehearsals from a comma-separated list (`none,latency=500,health-fail`): each item on each
 * of `controllers`, fault by fault in the order given (every controller's healthy release first, as it
 * runs longest). Throws the service's own `ConfigError` for an unknown fault or a bad value, and a
 * {@link UsageError} about `--faults` for an empty item or an item listed twice.
 */
export function suitePlan(
  list: string = defaultFaultList(),
  controllers: readonly DeploymentControllerName[] = [DEFAULT_CONTROLLER],
): SuiteEntry[] {
  if (controllers.length === 0) throw new Error('a suite needs at least one controller');
  const several = controllers.length > 1;
  return faultList(list).flatMap((fault) =>
    controllers.map((controller) => ({
      ...fault,
      controller,
      name: several ? `${fault.label} on ${controller}` : fault.label,
      folder: several ? `${controller}/${fault.slug}` : fault.slug,
    })),
  );
}

function faultList(list: string): Fault[] {
  const entries: Fault[] = [];
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

function uniqueSlug(label: string, taken: readonly Fault[]): string {
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
