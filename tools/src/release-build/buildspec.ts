import { parse } from 'yaml';

/*
 * The parts of a CodeBuild buildspec (version 0.2) that the release-build rehearsal runs, read from the
 * file itself. Keys it cannot rehearse (parameter-store, secrets-manager, run-as, batch, ...) stop it with
 * their name instead of being skipped: a rehearsal that silently leaves out part of the build proves
 * nothing about it. CodeBuild User Guide, "Build specification reference for CodeBuild".
 */

/** The build phases in the order CodeBuild runs them. */
export const PHASE_NAMES = ['install', 'pre_build', 'build', 'post_build'] as const;
export type PhaseName = (typeof PHASE_NAMES)[number];

/** What CodeBuild does when a command of the phase fails; unset follows "Build phase transitions". */
export type OnFailure = 'ABORT' | 'CONTINUE';

export interface BuildPhase {
  readonly name: PhaseName;
  readonly onFailure?: OnFailure | undefined;
  /** `runtime-versions`: CodeBuild installs these on its managed image; the rehearsal can only report them. */
  readonly runtimeVersions: Readonly<Record<string, string>>;
  readonly commands: readonly string[];
  /** Commands CodeBuild runs after `commands`, whether they failed or not. */
  readonly finally: readonly string[];
}

export interface Buildspec {
  readonly version: string;
  /** `env.shell`: the rehearsal runs bash only (what this repository's buildspec names). */
  readonly shell: 'bash';
  readonly variables: Readonly<Record<string, string>>;
  readonly phases: readonly BuildPhase[];
  /** Report groups: name, folder and file names CodeBuild uploads test reports from. */
  readonly reports: readonly {
    readonly name: string;
    readonly baseDirectory: string;
    readonly files: readonly string[];
  }[];
  readonly artifacts: { readonly baseDirectory: string; readonly files: readonly string[] };
}

export class BuildspecError extends Error {
  constructor(message: string) {
    super(`buildspec: ${message}`);
    this.name = 'BuildspecError';
  }
}

type Plain = Record<string, unknown>;

const isPlain = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function only(where: string, value: Plain, allowed: readonly string[]): void {
  const extra = Object.keys(value).filter((key) => !allowed.includes(key));
  if (extra.length > 0) {
    throw new BuildspecError(
      `${where} has ${extra.map((k) => `"${k}"`).join(', ')}, which the rehearsal does not run; it runs ${allowed.join(', ')}`,
    );
  }
}

function strings(where: string, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new BuildspecError(`${where} must be a list of strings`);
  }
  return value as string[];
}

function scalarMap(where: string, value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isPlain(value)) throw new BuildspecError(`${where} must be a map`);
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => {
      if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
        throw new BuildspecError(`${where}.${key} must be a string, number or boolean`);
      }
      return [key, String(item)];
    }),
  );
}

function readPhase(name: PhaseName, value: unknown): BuildPhase {
  const where = `phases.${name}`;
  if (!isPlain(value)) throw new BuildspecError(`${where} must be a map`);
  only(where, value, ['on-failure', 'runtime-versions', 'commands', 'finally']);
  const onFailure = value['on-failure'];
  if (onFailure !== undefined && onFailure !== 'ABORT' && onFailure !== 'CONTINUE') {
    throw new BuildspecError(
      `${where}.on-failure is ${JSON.stringify(onFailure)}; expected ABORT or CONTINUE`,
    );
  }
  if (name !== 'install' && value['runtime-versions'] !== undefined) {
    throw new BuildspecError(`${where}.runtime-versions is allowed only in the install phase`);
  }
  return {
    name,
    onFailure,
    runtimeVersions: scalarMap(`${where}.runtime-versions`, value['runtime-versions']),
    commands: strings(`${where}.commands`, value.commands),
    finally: strings(`${where}.finally`, value.finally),
  };
}

function readEnv(value: unknown): { shell: 'bash'; variables: Record<string, string> } {
  if (!isPlain(value)) throw new BuildspecError('env must be a map with shell: bash');
  only('env', value, ['shell', 'variables']);
  if (value.shell !== 'bash') {
    // CodeBuild's default on Linux is sh; carrying a session's variables over relies on bash's declare.
    throw new BuildspecError(
      `env.shell is ${JSON.stringify(value.shell ?? null)}; the rehearsal runs bash only`,
    );
  }
  return { shell: 'bash', variables: scalarMap('env.variables', value.variables) };
}

function readReports(value: unknown): Buildspec['reports'] {
  if (value === undefined || value === null) return [];
  if (!isPlain(value)) throw new BuildspecError('reports must be a map of report groups');
  return Object.entries(value).map(([name, group]) => {
    if (!isPlain(group)) throw new BuildspecError(`reports.${name} must be a map`);
    return {
      name,
      baseDirectory: typeof group['base-directory'] === 'string' ? group['base-directory'] : '.',
      files: strings(`reports.${name}.files`, group.files),
    };
  });
}

function readArtifacts(value: unknown): Buildspec['artifacts'] {
  if (!isPlain(value)) throw new BuildspecError('artifacts must be a map with files');
  const files = strings('artifacts.files', value.files);
  if (files.length === 0)
    throw new BuildspecError('artifacts.files is empty: the deploy stage would get nothing');
  const baseDirectory = value['base-directory'];
  return { baseDirectory: typeof baseDirectory === 'string' ? baseDirectory : '.', files };
}

/** Reads a buildspec's text; throws {@link BuildspecError} naming the first key the rehearsal cannot run. */
export function parseBuildspec(text: string): Buildspec {
  const doc: unknown = parse(text);
  if (!isPlain(doc)) throw new BuildspecError('is not a YAML map');
  only('the top level', doc, ['version', 'env', 'phases', 'reports', 'artifacts', 'cache']);
  const version = String(doc.version);
  if (version !== '0.2') {
    throw new BuildspecError(`version is ${version}; the rehearsal follows version 0.2 (one shell session)`);
  }
  if (!isPlain(doc.phases)) throw new BuildspecError('phases must be a map');
  only('phases', doc.phases, PHASE_NAMES);
  const phasesDoc = doc.phases;
  const phases = PHASE_NAMES.filter((name) => phasesDoc[name] !== undefined).map((name) =>
    readPhase(name, phasesDoc[name]),
  );
  return {
    version,
    ...readEnv(doc.env),
    phases,
    reports: readReports(doc.reports),
    artifacts: readArtifacts(doc.artifacts),
  };
}
