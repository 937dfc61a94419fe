import { readReleaseVariables } from '../../release/release-variables';
import { SAMPLE, sampleEnv } from './sample-variables';

describe('readReleaseVariables', () => {
  it('returns every variable when all are set and well formed', () => {
    expect(readReleaseVariables(sampleEnv())).toEqual(SAMPLE);
  });

  it('names a missing variable and what it should hold', () => {
    expect(() => readReleaseVariables(sampleEnv({ taskRoleArn: undefined }))).toThrow(
      /TASK_ROLE_ARN is not set; expected an IAM role ARN/,
    );
  });

  it('treats an empty variable as missing', () => {
    expect(() => readReleaseVariables(sampleEnv({ logGroupName: '' }))).toThrow(/LOG_GROUP_NAME is not set/);
  });

  it('rejects a malformed role ARN, quoting the value', () => {
    expect(() =>
      readReleaseVariables(sampleEnv({ executionRoleArn: 'arn:aws:iam::12345:user/bob' })),
    ).toThrow('TASK_EXECUTION_ROLE_ARN="arn:aws:iam::12345:user/bob" is not valid');
  });

  it('reports all problems at once so one failed build shows everything to fix', () => {
    let message = '';
    try {
      readReleaseVariables(
        sampleEnv({ region: undefined, hookFunctionName: 'MyHook', appVersion: 'bad tag!' }),
      );
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('AWS_REGION is not set');
    expect(message).toContain(
      'HOOK_FUNCTION_NAME="MyHook" is not valid; expected a Lambda function name starting with "CodeDeployHook_"',
    );
    expect(message).toContain('APP_VERSION="bad tag!" is not valid');
  });

  it('rejects an image tag where a digest is required', () => {
    expect(() => readReleaseVariables(sampleEnv({ imageUri: `${SAMPLE.repositoryUri}:latest` }))).toThrow(
      /IMAGE_URI=.* is not valid; expected the pushed image by digest/,
    );
  });

  it('rejects an image pushed to another repository than the pipeline pushes to', () => {
    const other = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/other@sha256:${'b'.repeat(64)}`;
    expect(() => readReleaseVariables(sampleEnv({ imageUri: other }))).toThrow(
      /IMAGE_URI=.* is not in ECR_REPOSITORY_URI/,
    );
  });
});
