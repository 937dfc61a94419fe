/**
 * The Build stage's output as the Lambda invoke action hands it over: a ZIP in the pipeline's artifact
 * bucket, named by the job's `inputArtifacts[].location.s3Location` and read with the job's
 * `artifactCredentials`, the temporary credentials CodePipeline passes for exactly that (CodePipeline User
 * Guide, "Invoke an AWS Lambda function in a pipeline in CodePipeline", "Example JSON event"). The
 * function's own role has no access to the bucket. The ZIP is the build's `release` folder
 * (buildspec.yml's `artifacts`), so the files sit at its root.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Artifact, Credentials } from 'aws-lambda';
import { strFromU8, unzipSync } from 'fflate';
import { IMAGE_DETAIL_FILE, TASKDEF_FILE } from '../../../contract/release-file-names';

/** The two files the function registers from. */
export interface ReleaseFiles {
  readonly taskdef: string;
  readonly imageDetail: string;
}

/** Fetches an artifact's bytes; tests pass one that reads a ZIP they made. */
export type FetchArtifact = (artifact: Artifact, credentials: Credentials) => Promise<Uint8Array>;

/** Reads the object with the job's credentials, in the function's region (the pipeline's). */
export const fetchFromS3: FetchArtifact = async (artifact, credentials) => {
  const s3 = new S3Client({ credentials });
  const { Body } = await s3.send(
    new GetObjectCommand({
      Bucket: artifact.location.s3Location.bucketName,
      Key: artifact.location.s3Location.objectKey,
    }),
  );
  if (Body === undefined) throw new Error(`artifact ${artifact.name} has no body`);
  return Body.transformToByteArray();
};

/** The rendered taskdef.json and imageDetail.json from the artifact's ZIP. */
export function releaseFilesFromZip(zip: Uint8Array, artifactName: string): ReleaseFiles {
  const wanted = new Set([TASKDEF_FILE, IMAGE_DETAIL_FILE]);
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, { filter: (file) => wanted.has(file.name) });
  } catch (error) {
    throw new Error(
      `artifact ${artifactName} is not a ZIP archive (${error instanceof Error ? error.message : String(error)})`,
      { cause: error },
    );
  }
  const text = (name: string): string => {
    const bytes = files[name];
    if (bytes === undefined) {
      throw new Error(
        `artifact ${artifactName} holds no ${name} at its root; the Build stage publishes the release folder (buildspec.yml, artifacts)`,
      );
    }
    return strFromU8(bytes);
  };
  return { taskdef: text(TASKDEF_FILE), imageDetail: text(IMAGE_DETAIL_FILE) };
}
