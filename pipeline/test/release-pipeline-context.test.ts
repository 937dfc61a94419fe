import { App } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import {
  addReleasePipeline,
  parsePipelineContext,
  PIPELINE_SKIPPED_WARNING,
} from '../lib/release-pipeline-context';
import { STACK_NAMES } from '../../contract/stack-outputs';
import { SAMPLE_SOURCE, StandInServiceStack } from './release-pipeline-stand-in';

const FULL: Record<string, string> = {
  githubConnectionArn: SAMPLE_SOURCE.connectionArn,
  githubOwner: SAMPLE_SOURCE.owner,
  githubRepo: SAMPLE_SOURCE.repo,
};
const from = (values: Record<string, unknown>) => (key: string) => values[key];

describe('parsePipelineContext', () => {
  it('returns nothing when no GitHub context is given: the pipeline is optional', () => {
    expect(parsePipelineContext(from({}))).toBeUndefined();
  });

  it('returns the source when connection, owner and repository are given', () => {
    expect(parsePipelineContext(from({ ...FULL, githubBranch: 'release' }))).toEqual({
      ...SAMPLE_SOURCE,
      branch: 'release',
    });
  });

  it('accepts the older codestar-connections ARN form', () => {
    const arn = SAMPLE_SOURCE.connectionArn.replace('codeconnections', 'codestar-connections');
    expect(parsePipelineContext(from({ ...FULL, githubConnectionArn: arn }))?.connectionArn).toBe(arn);
  });

  it('names every missing key when only some are given', () => {
    expect(() => parsePipelineContext(from({ githubOwner: 'example-org' }))).toThrow(
      /context githubConnectionArn is missing[\s\S]*context githubRepo is missing/,
    );
  });

  it('refuses a malformed connection ARN, quoting it', () => {
    expect(() => parsePipelineContext(from({ ...FULL, githubConnectionArn: 'my-connection' }))).toThrow(
      'context githubConnectionArn="my-connection" is not valid; expected arn:aws:codeconnections:<region>:<account>:connection/<id>',
    );
  });
});

describe('addReleasePipeline', () => {
  it("adds the pipeline stack in the service's environment when the context names a repository", () => {
    const app = new App();
    const service = new StandInServiceStack(app, STACK_NAMES.service);
    const stack = addReleasePipeline(app, service, from(FULL));
    expect(stack?.stackName).toBe(STACK_NAMES.pipeline);
    expect(stack?.environment).toBe(service.environment);
    expect(stack?.release.pipeline).toBeDefined();
  });

  it('leaves the pipeline out with a warning on the service stack when no context is given', () => {
    const app = new App();
    const service = new StandInServiceStack(app, STACK_NAMES.service);
    expect(addReleasePipeline(app, service, from({}))).toBeUndefined();
    expect(app.node.tryFindChild(STACK_NAMES.pipeline)).toBeUndefined();
    Annotations.fromStack(service).hasWarning(
      '/' + STACK_NAMES.service,
      Match.stringLikeRegexp('githubConnectionArn'),
    );
    expect(PIPELINE_SKIPPED_WARNING).toContain(
      'Add githubConnectionArn, githubOwner and githubRepo to deploy-settings.json',
    );
  });
});
