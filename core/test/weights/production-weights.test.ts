import { productionWeightsVerdict, refusalLines, type LiveRule } from '../../weights/production-weights';

const TG = (name: string): string =>
  `arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/${name}/0123456789abcdef`;
const rule = (id: string, blue: [number, number], green: [number, number]): LiveRule => ({
  arn: `arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/alb/1/2/${id}`,
  targetGroups: [
    { arn: TG('blue'), name: 'blue', weight: blue[0], healthy: blue[1] },
    { arn: TG('green'), name: 'green', weight: green[0], healthy: green[1] },
  ],
});

describe('productionWeightsVerdict', () => {
  it('lets a deployment start when production reaches only target groups with healthy targets', () => {
    const verdict = productionWeightsVerdict(rule('p', [0, 0], [100, 2]), rule('t', [0, 0], [100, 2]));
    expect(verdict).toEqual({
      ok: true,
      detail:
        'production rule: blue 0% (0 healthy), green 100% (2 healthy); test rule: blue 0% (0 healthy), green 100% (2 healthy)',
    });
  });

  it('refuses a production rule reset to the empty target group, naming where to send it and how', () => {
    // After an odd number of releases green serves; a stack update put the template's blue 100 back.
    const verdict = productionWeightsVerdict(rule('p', [100, 0], [0, 2]), rule('t', [0, 0], [100, 2]));
    expect(verdict.ok).toBe(false);
    expect(verdict.detail).toMatch(
      /^production sends 100% to blue, which has no healthy target \(production rule: blue 100% \(0 healthy\), green 0% \(2 healthy\); test rule: .*\); a stack update that rewrote the rule \(aws-cdk#36649\) can do this\. Send production back to green, then deploy$/,
    );
    expect(verdict.fix).toBe(
      `aws elbv2 modify-rule --rule-arn arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/alb/1/2/p --actions 'Type=forward,ForwardConfig={TargetGroups=[{TargetGroupArn=${TG('blue')},Weight=0},{TargetGroupArn=${TG('green')},Weight=100}]}'`,
    );
  });

  it('refuses a split where one weighted target group is empty', () => {
    const verdict = productionWeightsVerdict(rule('p', [90, 2], [10, 0]), rule('t', [0, 2], [100, 0]));
    expect(verdict.ok).toBe(false);
    expect(verdict.detail).toMatch(/^production sends 10% to green, which has no healthy target/);
  });

  it('refuses without a fix when no target group has a healthy target', () => {
    const verdict = productionWeightsVerdict(rule('p', [100, 0], [0, 0]), rule('t', [100, 0], [0, 0]));
    expect(verdict.ok).toBe(false);
    expect(verdict.fix).toBeUndefined();
    expect(verdict.detail).toContain('the service runs no healthy task');
  });
});

describe('refusalLines', () => {
  it("gives the deploy step's refusal: what points where, then the command that sends production back", () => {
    const verdict = productionWeightsVerdict(rule('p', [100, 0], [0, 2]), rule('t', [0, 0], [100, 2]));
    const lines = refusalLines(verdict);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(`refusing to start the deployment: ${verdict.detail}`);
    expect(lines[1]).toMatch(/^aws elbv2 modify-rule --rule-arn /);
  });

  it('gives one line when no target group has a healthy target to send production to', () => {
    const verdict = productionWeightsVerdict(rule('p', [100, 0], [0, 0]), rule('t', [100, 0], [0, 0]));
    expect(refusalLines(verdict)).toEqual([`refusing to start the deployment: ${verdict.detail}`]);
  });
});
