import {
  expectedRelease,
  FAULT_CATALOGUE,
  FAULT_NAMES,
  type ExpectedRelease,
  type FaultSpec,
} from '../../../contract/faults/catalogue';
import { parseFaults } from '../../../contract/faults/parse-faults';

/** One fault of the catalogue as the command line shows it. */
export interface CatalogueRow {
  readonly name: string;
  readonly valueKind: string;
  readonly defaultValue: string | null;
  readonly effect: string;
  readonly rehearsal: number | 'new';
  readonly expectedText: string;
  /** What a release with the fault at its default value should do, with this project's settings. */
  readonly expectedRelease: ExpectedRelease;
}

/** The expected release for `name` or `name=value`, as the service would parse it. */
export function expectedReleaseFor(entry: string): ExpectedRelease {
  return expectedRelease(parseFaults(entry));
}

/** The catalogue in its own order. */
export function catalogueRows(): CatalogueRow[] {
  return FAULT_NAMES.map((name) => {
    const spec = FAULT_CATALOGUE[name] as FaultSpec;
    return {
      name,
      valueKind: spec.valueKind,
      defaultValue: spec.defaultValue ?? null,
      effect: spec.effect,
      rehearsal: spec.rehearsal,
      expectedText: spec.expectedText,
      expectedRelease: expectedReleaseFor(name),
    };
  });
}
