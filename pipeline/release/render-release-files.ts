#!/usr/bin/env node
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderAppSpec } from './render-appspec';
import { APPSPEC_FILE, IMAGE_DETAIL_FILE, TASKDEF_FILE } from '../../contract/release-file-names';
import { ReleaseInputError } from './release-input-error';
import { readReleaseVariables, type ReleaseVariables } from './release-variables';
import { renderTaskDefinition } from './render-taskdef';

const USAGE = `Usage: node pipeline/release/bundled/render-release-files.js --out <dir> [--templates <dir>]

Renders ${TASKDEF_FILE}, ${APPSPEC_FILE} and ${IMAGE_DETAIL_FILE} for CodePipeline's deploy action from the
templates at the repository root and the build variables (see contract/build-variables.ts).

  --out <dir>        directory to write the three files to (created if missing)
  --templates <dir>  directory holding ${TASKDEF_FILE} and ${APPSPEC_FILE} (default: the current directory)`;

/** The three files of one release, rendered and checked, as text. */
export type ReleaseFiles = Readonly<
  Record<typeof TASKDEF_FILE | typeof APPSPEC_FILE | typeof IMAGE_DETAIL_FILE, string>
>;

/**
 * Renders and cross-checks the release files without touching the disk: the AppSpec must route the load
 * balancer to the service's container and one of its ports, and name the service stack's test-traffic hook.
 */
export function renderReleaseFiles(
  taskdefText: string,
  appspecText: string,
  vars: ReleaseVariables,
): ReleaseFiles {
  const taskDefinition = renderTaskDefinition(taskdefText, vars);
  const { text: appspec, appSpec } = renderAppSpec(appspecText, vars);
  const lb = appSpec.Resources[0].TargetService.Properties.LoadBalancerInfo;
  if (lb.ContainerName !== vars.containerName) {
    throw new ReleaseInputError(
      `${APPSPEC_FILE} LoadBalancerInfo.ContainerName`,
      `is ${JSON.stringify(lb.ContainerName)} but the service's container is ${JSON.stringify(vars.containerName)}`,
    );
  }
  const hook = appSpec.Hooks?.find((h) => h.AfterAllowTestTraffic !== undefined)?.AfterAllowTestTraffic;
  if (hook !== vars.hookFunctionName) {
    throw new ReleaseInputError(
      `${APPSPEC_FILE} Hooks AfterAllowTestTraffic`,
      `is ${JSON.stringify(hook ?? null)} but the service stack's test-traffic hook is ${JSON.stringify(vars.hookFunctionName)}; without it nothing probes green before production traffic moves`,
    );
  }
  const container = taskDefinition.containerDefinitions?.find((c) => c.name === lb.ContainerName);
  const ports = container?.portMappings?.map((m) => m.containerPort) ?? [];
  if (!ports.includes(lb.ContainerPort)) {
    throw new ReleaseInputError(
      `${APPSPEC_FILE} LoadBalancerInfo.ContainerPort`,
      `is ${lb.ContainerPort} but container ${JSON.stringify(lb.ContainerName)} in ${TASKDEF_FILE} maps ${ports.join(', ') || 'no port'}`,
    );
  }
  return {
    [TASKDEF_FILE]: `${JSON.stringify(taskDefinition, null, 2)}\n`,
    [APPSPEC_FILE]: appspec,
    [IMAGE_DETAIL_FILE]: `${JSON.stringify({ ImageURI: vars.imageUri })}\n`,
  };
}

/** What the entry needs from the process; tests pass their own. */
export interface RenderDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

async function readTemplate(dir: string, file: string): Promise<string> {
  try {
    return await readFile(join(dir, file), 'utf8');
  } catch (error) {
    throw new ReleaseInputError(
      file,
      `cannot be read from ${dir}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Renders the release files into `--out`; returns the exit code (2 for usage errors, 1 for bad inputs). */
export async function main(argv: readonly string[], deps: RenderDeps): Promise<number> {
  let out: string | undefined;
  let templates: string | undefined;
  try {
    const { values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        out: { type: 'string' },
        templates: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      deps.stdout.write(`${USAGE}\n`);
      return 0;
    }
    ({ out, templates } = values);
  } catch (error) {
    deps.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (out === undefined) {
    deps.stderr.write(`--out is required\n\n${USAGE}\n`);
    return 2;
  }
  const templateDir = resolve(deps.cwd, templates ?? '.');
  const outDir = resolve(deps.cwd, out);
  try {
    const vars = readReleaseVariables(deps.env);
    const files = renderReleaseFiles(
      await readTemplate(templateDir, TASKDEF_FILE),
      await readTemplate(templateDir, APPSPEC_FILE),
      vars,
    );
    await mkdir(outDir, { recursive: true });
    for (const [name, text] of Object.entries(files)) await writeFile(join(outDir, name), text);
    deps.stdout.write(`Rendered ${Object.keys(files).join(', ')} into ${outDir} for ${vars.imageUri}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ReleaseInputError)) throw error;
    deps.stderr.write(`Release files not rendered. ${error.message}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2), {
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
