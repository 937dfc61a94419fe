import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { contractWorld, rowLabel, type ContractWorld } from './iam/contract-world';
import { IAM_CONTRACT } from './iam/iam-contract';
import { findReleaseFacts } from './iam/release-facts';
import { simulateRow } from './iam/simulate-row';

const ROOT = join(__dirname, '..', '..');

/** The function appspec.yml names for AfterAllowTestTraffic: the one CodeDeploy will invoke. */
function hookFunctionName(): string {
  const appspec = parse(readFileSync(join(ROOT, 'appspec.yml'), 'utf8')) as {
    Hooks: Record<string, string>[];
  };
  const name = appspec.Hooks.map((hook) => hook.AfterAllowTestTraffic).find((n) => n !== undefined);
  if (name === undefined) throw new Error('appspec.yml names no AfterAllowTestTraffic hook');
  return name;
}

let contract: ContractWorld;

beforeAll(() => {
  contract = contractWorld('codedeploy', (world) =>
    findReleaseFacts(world, { hookFunctionName: hookFunctionName() }),
  );
});

afterAll(() => contract.cleanup());

describe('IAM contract, simulated against the synthesized templates', () => {
  it.each(IAM_CONTRACT.map((row) => [rowLabel(row), row] as const))('%s', async (_label, row) => {
    const outcome = await simulateRow(contract.world, contract.facts, row);
    expect(outcome.explanation).toBe('');
  });
});
