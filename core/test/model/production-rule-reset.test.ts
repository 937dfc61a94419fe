import { parseFaults } from '../../../contract/faults/parse-faults';
import { defaultReleaseContext, expectedRelease } from '../../model/rollback-time';

describe('a production rule reset to the target group with no task', () => {
  it('under native ECS, expects the start check to refuse, whatever the release holds', () => {
    const context = { ...defaultReleaseContext(), controller: 'ecs' as const, productionRuleReset: true };
    for (const faults of ['', 'health-fail', 'error-rate']) {
      const expected = expectedRelease(parseFaults(faults), context);
      expect(expected.outcome).toBe('refused');
      expect(expected.decidedBy).toBeUndefined();
      expect(expected.signal).toMatch(
        /start check: production reaches a target group with no healthy target/,
      );
    }
  });

  it('under native ECS with the rule as ECS left it, expects what the faults do', () => {
    const context = { ...defaultReleaseContext(), controller: 'ecs' as const, productionRuleReset: false };
    expect(expectedRelease({}, context).outcome).toBe('succeeded');
    expect(expectedRelease(parseFaults('health-fail'), context).outcome).toBe('rolled-back');
  });

  it('under CodeDeploy, is not a setup the model answers: CodeDeploy rewrites the listener itself', () => {
    const context = { ...defaultReleaseContext(), productionRuleReset: true };
    expect(() => expectedRelease({}, context)).toThrow(/native ECS setup \(aws-cdk issue 36649\)/);
  });
});
