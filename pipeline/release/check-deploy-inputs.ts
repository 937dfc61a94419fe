#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RegisterTaskDefinitionRequest$ } from '@aws-sdk/client-ecs';
import { parse } from 'yaml';
import { checkSdkShape } from './check-sdk-shape';
import { checkEcsAppSpec } from './render-appspec';
import {
  APPSPEC_FILE,
  IMAGE_DETAIL_FILE,
  IMAGE_PLACEHOLDER,
  TASK_DEFINITION_PLACEHOLDER,
  TASKDEF_FILE,
} from '../../contract/release-file-names';

/*
 * The build's three release files as the deploy stage consumes them (CodePipeline User Guide, "Amazon
 * Elastic Container Service and CodeDeploy blue-green deploy action reference"): the action reads the
 * image URI from imageDetail.json, puts it where taskdef.json says <IMAGE1_NAME>, registers that task
 * definition, puts the new revision's ARN where appspec.yml says <TASK_DEFINITION> and hands the AppSpec to
 * CodeDeploy. Run on a build's output folder, it does the same substitutions and checks the results against
 * ECS's RegisterTaskDefinition input shape and the ECS AppSpec structure.
 */

/** The three files' text, as the build wrote them. */
export interface DeployInputs {
  readonly taskdef: string;
  readonly appspec: string;
  readonly imageDetail: string;
}

/** What the deploy stage would make of the files: the filled task definition and AppSpec, or problems. */
export interface DeployInputsCheck {
  readonly problems: readonly string[];
  readonly imageUri?: string | undefined;
}

/** A stand-in for the revision ARN RegisterTaskDefinition returns. */
export function sampleTaskDefinitionArn(family: string): string {
  return `arn:aws:ecs:us-east-1:123456789012:task-definition/${family}:1`;
}

function readImageUri(text: string, problems: string[]): string | undefined {
  let detail: unknown;
  try {
    detail = JSON.parse(text);
  } catch (error) {
    problems.push(
      `${IMAGE_DETAIL_FILE} is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
    return undefined;
  }
  const uri = (detail as { ImageURI?: unknown } | null)?.ImageURI;
  if (typeof uri !== 'string' || !/^[^@\s]+@sha256:[a-f0-9]{64}$/.test(uri)) {
    problems.push(
      `${IMAGE_DETAIL_FILE} needs ImageURI, an image by digest (<repository>@sha256:<64 hex>); got ${JSON.stringify(uri ?? null)}`,
    );
    return undefined;
  }
  return uri;
}

function checkTaskdef(text: string, imageUri: string, problems: string[]): string | undefined {
  const placeholder = `<${IMAGE_PLACEHOLDER}>`;
  if (!text.includes(placeholder)) {
    problems.push(
      `${TASKDEF_FILE} has no ${placeholder}: the deploy action would deploy no image from this build`,
    );
    return undefined;
  }
  let filled: unknown;
  try {
    filled = JSON.parse(text.split(placeholder).join(imageUri));
  } catch (error) {
    problems.push(
      `${TASKDEF_FILE} with ${placeholder} replaced is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
    return undefined;
  }
  const shape = checkSdkShape(RegisterTaskDefinitionRequest$, filled, TASKDEF_FILE);
  problems.push(...shape.map((problem) => `${problem} (ECS RegisterTaskDefinition would reject it)`));
  const family = (filled as { family?: unknown }).family;
  return typeof family === 'string' ? family : undefined;
}

function checkAppspec(text: string, family: string, problems: string[]): void {
  try {
    // Structure first: it also requires TaskDefinition to be the placeholder itself (a comment naming it is no use).
    checkEcsAppSpec(parse(text));
    const arn = sampleTaskDefinitionArn(family);
    const filled = parse(text.split(TASK_DEFINITION_PLACEHOLDER).join(arn)) as {
      Resources?: { TargetService?: { Properties?: { TaskDefinition?: unknown } } }[];
    };
    const taskDefinition = filled.Resources?.[0]?.TargetService?.Properties?.TaskDefinition;
    if (taskDefinition !== arn) {
      problems.push(
        `${APPSPEC_FILE} with ${TASK_DEFINITION_PLACEHOLDER} replaced names ${JSON.stringify(taskDefinition)} as TaskDefinition, not the revision's ARN`,
      );
    }
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
}

/** Checks the three files as the deploy stage reads them; an empty `problems` means they would deploy. */
export function checkDeployInputs(inputs: DeployInputs): DeployInputsCheck {
  const problems: string[] = [];
  const imageUri = readImageUri(inputs.imageDetail, problems);
  const family = checkTaskdef(inputs.taskdef, imageUri ?? 'example.com/image@sha256:0', problems);
  checkAppspec(inputs.appspec, family ?? 'family', problems);
  return { problems, imageUri };
}

/** `check-deploy-inputs.js <dir>`: prints the image URI, or every problem and exits 1. */
export async function main(
  argv: readonly string[],
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<number> {
  const [dir] = argv;
  if (dir === undefined || argv.length !== 1) {
    err.write(
      'Usage: node pipeline/release/bundled/check-deploy-inputs.js <folder with the release files>\n',
    );
    return 2;
  }
  const read = async (file: string): Promise<string> =>
    readFile(join(resolve(dir), file), 'utf8').catch(() => '');
  const check = checkDeployInputs({
    taskdef: await read(TASKDEF_FILE),
    appspec: await read(APPSPEC_FILE),
    imageDetail: await read(IMAGE_DETAIL_FILE),
  });
  if (check.problems.length > 0) {
    err.write(`${check.problems.join('\n')}\n`);
    return 1;
  }
  out.write(`${check.imageUri}\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2), process.stdout, process.stderr).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
