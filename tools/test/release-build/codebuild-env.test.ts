import { BUILD_VARIABLES, PROJECT_VARIABLE_KEYS } from '../../../contract/build-variables';
import { buildEnvironment } from '../../src/release-build/codebuild-env';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';

const env = buildEnvironment({
  commit: COMMIT,
  srcDir: '/tmp/src',
  region: 'eu-west-1',
  repositoryUri: '127.0.0.1:5055/rollback-rehearsal',
  binDir: '/tmp/bin',
  buildUuid: 'uuid',
  machine: { PATH: '/usr/bin', HOME: '/root', npm_lifecycle_event: 'rehearse:build', AWS_PROFILE: 'mine' },
});

describe('the rehearsed build environment', () => {
  it('sets every variable the pipeline stack sets on the project', () => {
    const missing = PROJECT_VARIABLE_KEYS.map((key) => BUILD_VARIABLES[key]).filter((name) => !env[name]);
    expect(missing).toEqual([]);
    expect(env[BUILD_VARIABLES.repositoryUri]).toBe('127.0.0.1:5055/rollback-rehearsal');
  });

  it("sets APP_VERSION to the commit, as the pipeline's build action does", () => {
    expect(env[BUILD_VARIABLES.appVersion]).toBe(COMMIT);
  });

  it('sets the variables CodeBuild sets for a build CodePipeline started', () => {
    expect(env).toMatchObject({
      CODEBUILD_RESOLVED_SOURCE_VERSION: COMMIT,
      CODEBUILD_SRC_DIR: '/tmp/src',
      CODEBUILD_BUILD_ID: expect.stringMatching(/:uuid$/),
      CODEBUILD_BUILD_NUMBER: '1',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
    });
  });

  it("puts the stand-ins first on PATH and leaves out the caller's own variables", () => {
    expect(env.PATH).toBe('/tmp/bin:/usr/bin');
    expect(env).not.toHaveProperty('npm_lifecycle_event');
    expect(env).not.toHaveProperty('AWS_PROFILE');
  });
});
