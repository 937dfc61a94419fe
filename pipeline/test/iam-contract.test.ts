import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { addReleasePipeline } from '../lib/release-pipeline-context';
import { buildStacks, type BuiltStacks } from './build-stacks';
import { CfnWorld, type CfnTemplate } from './iam/cfn-world';
import { IAM_CONTRACT, type ContractRow } from './iam/iam-contract';
import { findReleaseFacts, type ReleaseFacts } from './iam/release-facts';
import { simulateRow } from './iam/simulate-row';
import type { ReleasePipelineStack } from '../lib/release-pipeline-stack';

const ROOT = join(__dirname, '..', '..');
const ENV = { account: '123456789012', region: 'eu-west-1', partition: 'aws' };
const CONTEXT = {
  githubConnectionArn: `arn:aws:codeconnections:${ENV.region}:${ENV.account}:connection/11111111-2222-3333-4444-555555555555`,
  githubOwner: 'example-org',
  githubRepo: 'ecs-rollback-rehearsal',
};

/** The function appspec.yml names for AfterAllowTestTraffic: the one CodeDeploy will invoke. */
function hookFunctionName(): string {
  const appspec = parse(readFileSync(join(ROOT, 'appspec.yml'), 'utf8')) as {
    Hooks: Record<string, string>[];
  };
  const name = appspec.Hooks.map((hook) => hook.AfterAllowTestTraffic).find((n) => n !== undefined);
  if (name === undefined) throw new Error('appspec.yml names no AfterAllowTestTraffic hook');
  return name;
}

let built: BuiltStacks;
let world: CfnWorld;
let facts: ReleaseFacts;

beforeAll(() => {
  let pipeline: ReleasePipelineStack | undefined;
  built = buildStacks({
    context: CONTEXT,
    beforeSynth: (app, service) => {
      pipeline = addReleasePipeline(app, service, (key) => app.node.tryGetContext(key));
    },
  });
  const assembly = built.app.synth();
  const template = (name: string): CfnTemplate => assembly.getStackByName(name).template as CfnTemplate;
  world = new CfnWorld(
    {
      [built.service.stackName]: template(built.service.stackName),
      [pipeline!.stackName]: template(pipeline!.stackName),
    },
    ENV,
  );
  facts = findReleaseFacts(world, { hookFunctionName: hookFunctionName() });
});

afterAll(() => built.cleanup());

const label = (row: ContractRow): string =>
  `${row.principal} ${row.expect === 'allow' ? 'may' : 'may not'} ${row.action} on ${row.resource}${
    row.context === undefined
      ? ''
      : ` (${Object.entries(row.context)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')})`
  }`;

describe('IAM contract, simulated against the synthesized templates', () => {
  it.each(IAM_CONTRACT.map((row) => [label(row), row] as const))('%s', async (_label, row) => {
    const outcome = await simulateRow(world, facts, row);
    expect(outcome.explanation).toBe('');
  });
});
