import type { RevisionLocation } from '@aws-sdk/client-codedeploy';
import { parse } from 'yaml';

/** The AppSpec text of a deployment's revision, or why it cannot be read here. */
export type AppSpecText =
  { readonly content: string } | { readonly content?: undefined; readonly unreadableBecause: string };

/**
 * Reads the AppSpec from the revision GetDeployment returns. CodePipeline's ECS action sends it inline
 * (`AppSpecContent`; why, when no AWS document says so: docs/deploy.md, "How the AppSpec reaches
 * CodeDeploy"); a deployment created by hand may use the deprecated `String` type, read the same way, or
 * point at S3, which these functions have no permission to read and so report as unreadable.
 */
export function appSpecFromRevision(revision: RevisionLocation | undefined): AppSpecText {
  const inline = revision?.appSpecContent?.content ?? revision?.string?.content;
  if (inline !== undefined && inline !== '') return { content: inline };
  const s3 = revision?.s3Location;
  if (s3 !== undefined) {
    return {
      unreadableBecause: `its AppSpec is in S3 (s3://${s3.bucket ?? '?'}/${s3.key ?? '?'}), which is not read`,
    };
  }
  return {
    unreadableBecause: `its revision (${revision?.revisionType ?? 'none'}) carries no AppSpec content`,
  };
}

/** The `TaskDefinition` of the first ECS target service in an AppSpec (YAML or JSON). */
export function taskDefinitionFromAppSpec(content: string): string | undefined {
  const appSpec: unknown = parse(content);
  if (!isRecord(appSpec) || !Array.isArray(appSpec.Resources)) return undefined;
  for (const resource of appSpec.Resources as unknown[]) {
    if (!isRecord(resource)) continue;
    for (const target of Object.values(resource)) {
      if (!isRecord(target) || !isRecord(target.Properties)) continue;
      const taskDefinition = target.Properties.TaskDefinition;
      if (typeof taskDefinition === 'string' && taskDefinition !== '') return taskDefinition;
    }
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
