import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { checkOnSynth } from '../lib/nag-on-synth';

describe('cdk-nag at synthesis', () => {
  let outdir: string;
  beforeEach(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'nag-on-synth-'));
  });
  afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

  function appWithTopic(acknowledge: boolean): App {
    const app = new App({ outdir, stackTraces: false });
    const topic = new sns.Topic(new Stack(app, 'Stack'), 'Topic');
    if (acknowledge) {
      for (const id of ['AwsSolutions-SNS2', 'AwsSolutions-SNS3']) {
        Validations.of(topic).acknowledge({ id, reason: 'test topic' });
      }
    }
    checkOnSynth(app);
    return app;
  }

  it('stops synthesis on an unacknowledged finding, naming the rule', () => {
    expect(() => appWithTopic(false).synth()).toThrow(/SNS3/);
  });

  it('synthesizes once every finding is acknowledged', () => {
    expect(() => appWithTopic(true).synth()).not.toThrow();
  });
});
