import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFaults } from '../flip/taskdef-faults';
import type { Buildspec } from './buildspec';
import { lookUpManifest } from './registry';

/*
 * After a rehearsed build: what CodeBuild would upload and what the deploy stage would take from it. The
 * artifact files must be where `artifacts` says (base-directory + files), the test report where each
 * `reports` group looks, and imageDetail.json must name an image the registry holds under that digest.
 * The image must also hold the commit's tag and the content key's, which a later build of the same tree
 * reuses. The shape of taskdef.json and appspec.yml is checked by the build's own
 * pipeline/release/bundled/check-deploy-inputs.js, passed in as `checkDeployInputs`.
 */

export interface ArtifactCheck {
  readonly what: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface CheckArtifactsInput {
  readonly spec: Buildspec;
  /** The build's source folder, where the buildspec's paths start. */
  readonly srcDir: string;
  readonly registryUrl: string;
  /** `127.0.0.1:<port>`: the image URI must name this registry. */
  readonly registryHost: string;
  /** The image tag the build pushed (APP_VERSION). */
  readonly tag: string;
  /** The content key's tag (`content-<key>`), which the image must hold too; unchecked when undefined. */
  readonly contentTag?: string | undefined;
  /** Runs the deploy-input check on the artifact folder: exit status and output. */
  readonly checkDeployInputs: (artifactDir: string) => Promise<{ code: number; output: string }>;
  readonly fetch?: typeof fetch;
}

const check = (what: string, ok: boolean, detail: string): ArtifactCheck => ({ what, ok, detail });

function artifactFiles(input: CheckArtifactsInput): ArtifactCheck[] {
  const { baseDirectory, files } = input.spec.artifacts;
  return files.map((file) => {
    const path = join(baseDirectory, file);
    return existsSync(join(input.srcDir, path))
      ? check(`artifact ${path}`, true, 'present where artifacts.base-directory and files say')
      : check(
          `artifact ${path}`,
          false,
          `missing: artifacts says ${baseDirectory}/${file}, the build wrote nothing there`,
        );
  });
}

function reportFiles(input: CheckArtifactsInput): ArtifactCheck[] {
  return input.spec.reports.flatMap((group) =>
    group.files.map((file) => {
      const path = join(group.baseDirectory, file);
      const full = join(input.srcDir, path);
      if (!existsSync(full)) {
        return check(
          `report ${group.name} ${path}`,
          false,
          `missing: report group ${group.name} looks for ${path}`,
        );
      }
      const junit = /<testsuites?\b/.test(readFileSync(full, 'utf8'));
      return check(
        `report ${group.name} ${path}`,
        junit,
        junit
          ? 'a JUnit XML report where the report group looks'
          : 'present but holds no <testsuite>: not a JUnit report',
      );
    }),
  );
}

async function imageInRegistry(input: CheckArtifactsInput): Promise<ArtifactCheck> {
  const what = 'imageDetail.json names a pushed image';
  const file = join(input.srcDir, input.spec.artifacts.baseDirectory, 'imageDetail.json');
  if (!existsSync(file)) return check(what, false, `${file} is missing`);
  let uri: unknown;
  try {
    uri = (JSON.parse(readFileSync(file, 'utf8')) as { ImageURI?: unknown }).ImageURI;
  } catch {
    return check(what, false, 'imageDetail.json is not JSON');
  }
  const match = typeof uri === 'string' ? /^([^/]+)\/(.+)@(sha256:[a-f0-9]{64})$/.exec(uri) : null;
  if (!match)
    return check(what, false, `ImageURI ${JSON.stringify(uri)} is not <registry>/<name>@sha256:<digest>`);
  const [, host, name, digest] = match as unknown as [string, string, string, string];
  if (host !== input.registryHost) {
    return check(
      what,
      false,
      `ImageURI ${uri as string} is not in the rehearsal's registry ${input.registryHost}`,
    );
  }
  const byDigest = await lookUpManifest(input.registryUrl, name, digest, input.fetch);
  if (byDigest.kind !== 'found') {
    return check(
      what,
      false,
      `the registry holds no manifest ${name}@${digest}: the deploy would pull nothing`,
    );
  }
  const tags = [input.tag, ...(input.contentTag === undefined ? [] : [input.contentTag])];
  for (const tag of tags) {
    const byTag = await lookUpManifest(input.registryUrl, name, tag, input.fetch);
    if (byTag.kind !== 'found' || byTag.digest !== digest) {
      return check(
        what,
        false,
        `${name}:${tag} is ${byTag.kind === 'found' ? byTag.digest : 'not in the registry'}, but imageDetail.json says ${digest}`,
      );
    }
  }
  return check(what, true, `${name}@${digest}, the registry's digest for tags ${tags.join(' and ')}`);
}

/**
 * A rehearsal commit differs from a healthy one only in the commit's FAULTS: the release must deploy that
 * value, or a flip would build and release the wrong thing (or nothing) while every other check passes.
 */
function faultsCarried(input: CheckArtifactsInput): ArtifactCheck {
  const what = "taskdef.json releases the commit's FAULTS";
  const committed = join(input.srcDir, 'taskdef.json');
  const released = join(input.srcDir, input.spec.artifacts.baseDirectory, 'taskdef.json');
  if (!existsSync(committed) || !existsSync(released)) {
    return check(what, false, `needs both ${committed} and ${released}`);
  }
  try {
    const want = readFaults(readFileSync(committed, 'utf8'), 'taskdef.json');
    const got = readFaults(
      readFileSync(released, 'utf8'),
      `${input.spec.artifacts.baseDirectory}/taskdef.json`,
    );
    return want === got
      ? check(
          what,
          true,
          want === '' ? 'FAULTS="" (no fault), as committed' : `FAULTS="${got}", as committed`,
        )
      : check(what, false, `the commit says FAULTS="${want}", the release would run FAULTS="${got}"`);
  } catch (error) {
    return check(what, false, error instanceof Error ? error.message : String(error));
  }
}

/** Every check, in order; the rehearsal fails if any is not ok. */
export async function checkArtifacts(input: CheckArtifactsInput): Promise<ArtifactCheck[]> {
  const files = artifactFiles(input);
  const reports = reportFiles(input);
  const image = await imageInRegistry(input);
  const shapes = await input.checkDeployInputs(join(input.srcDir, input.spec.artifacts.baseDirectory));
  return [
    ...files,
    ...reports,
    image,
    faultsCarried(input),
    check(
      'taskdef.json and appspec.yml as the deploy stage fills them',
      shapes.code === 0,
      shapes.code === 0
        ? '<IMAGE1_NAME> and <TASK_DEFINITION> replaced: fit ECS RegisterTaskDefinition and the ECS AppSpec'
        : shapes.output.trim(),
    ),
  ];
}
