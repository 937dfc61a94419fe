/**
 * Names the build, the render step and the pipeline's deploy action agree on. Kept apart from the render
 * code so that the CDK app can import them without loading the AWS SDK.
 */

/** Task definition template at the repository root, and the rendered file in the build output. */
export const TASKDEF_FILE = 'taskdef.json';

/** AppSpec template and rendered file. The deploy action is told this name: its default is `appspec.yaml`. */
export const APPSPEC_FILE = 'appspec.yml';

/** The file the deploy action reads the built image's URI from (`containerImageInputs`). */
export const IMAGE_DETAIL_FILE = 'imageDetail.json';

/** CodePipeline's placeholder for the image built in this run (`Image1ContainerName` of the deploy action). */
export const IMAGE_PLACEHOLDER = 'IMAGE1_NAME';

/** CodeDeploy's placeholder for the task definition revision the deploy action registers. */
export const TASK_DEFINITION_PLACEHOLDER = '<TASK_DEFINITION>';

/** Directory of the build output that `buildspec.yml` publishes as the release artifact. */
export const RELEASE_OUTPUT_DIR = 'release';
