import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { taskdefWithFaults } from '../../../contract/test/support/taskdef-fixture';
import { checkDeployInputs, type DeployInputs } from '../../release/check-deploy-inputs';
import { readReleaseVariables } from '../../release/release-variables';
import { renderReleaseFiles } from '../../release/render-release-files';
import { sampleEnv } from './sample-variables';

const ROOT = join(__dirname, '../../..');

/** The release files a build renders from the repository's templates. */
function rendered(env = sampleEnv()): DeployInputs {
  const files = renderReleaseFiles(
    taskdefWithFaults(''),
    readFileSync(join(ROOT, 'appspec.yml'), 'utf8'),
    readReleaseVariables(env),
  );
  return {
    taskdef: files['taskdef.json'],
    appspec: files['appspec.yml'],
    imageDetail: files['imageDetail.json'],
  };
}

describe('the release files as the deploy stage consumes them', () => {
  it('accepts what the build renders from the repository templates', () => {
    const inputs = rendered();
    expect(checkDeployInputs(inputs)).toEqual({
      problems: [],
      imageUri: (JSON.parse(inputs.imageDetail) as { ImageURI: string }).ImageURI,
    });
  });

  it('accepts a build for the loopback registry the release-build rehearsal pushes to', () => {
    const env = sampleEnv({
      repositoryUri: '127.0.0.1:5055/rollback-rehearsal',
      imageUri: `127.0.0.1:5055/rollback-rehearsal@sha256:${'d'.repeat(64)}`,
    });
    expect(checkDeployInputs(rendered(env)).problems).toEqual([]);
  });

  it('fails a task definition without <IMAGE1_NAME>: the deploy would ship no image of this build', () => {
    const inputs = rendered();
    const taskdef = inputs.taskdef.replace('<IMAGE1_NAME>', 'nginx:latest');
    expect(checkDeployInputs({ ...inputs, taskdef }).problems).toEqual([
      'taskdef.json has no <IMAGE1_NAME>: the deploy action would deploy no image from this build',
    ]);
  });

  it('fails an AppSpec without <TASK_DEFINITION>', () => {
    const inputs = rendered();
    const appspec = inputs.appspec.replace(
      "TaskDefinition: '<TASK_DEFINITION>'",
      'TaskDefinition: my-family:3',
    );
    expect(checkDeployInputs({ ...inputs, appspec }).problems).toEqual([
      'appspec.yml TaskDefinition: must be "<TASK_DEFINITION>" so CodeDeploy uses the revision this release registers',
    ]);
  });

  it('fails a task definition that RegisterTaskDefinition would reject, naming the field', () => {
    const inputs = rendered();
    const taskdef = inputs.taskdef.replace('"portMappings"', '"portMapping"');
    expect(checkDeployInputs({ ...inputs, taskdef }).problems).toEqual([
      expect.stringMatching(/portMapping.*\(ECS RegisterTaskDefinition would reject it\)/),
    ]);
  });

  it('fails an imageDetail.json that names no image by digest', () => {
    const inputs = rendered();
    expect(checkDeployInputs({ ...inputs, imageDetail: '{"ImageURI":"repo:latest"}' }).problems).toEqual([
      'imageDetail.json needs ImageURI, an image by digest (<repository>@sha256:<64 hex>); got "repo:latest"',
    ]);
  });
});
