import { settings } from '../../contract/settings';
import { STACK_NAMES } from '../../contract/stack-outputs';
import { CONTROL_RULES } from '../lib/control-tower';
import { synthesizeRealApp } from './synth-real-app';

interface Violation {
  readonly ruleName: string;
  readonly violatingConstructs: readonly { readonly constructPath: string }[];
}
interface Report {
  readonly pluginReports: readonly {
    readonly pluginName: string;
    readonly violations: readonly Violation[];
    readonly suppressedViolations?: readonly (Violation & { readonly reason?: string })[];
  }[];
}
type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/*
 * AWS Control Tower's proactive controls (cfn-guard) run on every synthesis beside cdk-nag. The run's one
 * synthesis of the real app with the pipeline context (synth-real-app.ts): no finding is left unacknowledged, every acknowledgement still
 * answers a finding, and what a real deployment should have is in the templates rather than acknowledged.
 */
describe('Control Tower proactive controls on both stacks', () => {
  let report: Report;
  let service: Resources;
  let pipeline: Resources;

  beforeAll(async () => {
    const synth = await synthesizeRealApp();
    report = synth.read<Report>('validation-report.json');
    service = synth.read<{ Resources: Resources }>(`${STACK_NAMES.service}.template.json`).Resources;
    pipeline = synth.read<{ Resources: Resources }>(`${STACK_NAMES.pipeline}.template.json`).Resources;
  }, 160_000);

  const guard = () => report.pluginReports.find((r) => r.pluginName === 'cdk-validator-cfnguard');
  const ofType = (resources: Resources, type: string) =>
    Object.values(resources).filter((r) => r.Type === type);

  it('leaves no finding unacknowledged', () => {
    expect(guard()?.violations ?? []).toEqual([]);
    expect(guard()?.suppressedViolations?.length).toBeGreaterThan(0);
  });

  it('acknowledges only controls that the templates really trip, each with a reason', () => {
    const suppressed = guard()?.suppressedViolations ?? [];
    const tripped = new Set(suppressed.map((v) => v.ruleName));
    expect(Object.values(CONTROL_RULES).filter((rule) => !tripped.has(rule))).toEqual([]);
    expect(suppressed.filter((v) => !/^CT\.[A-Z0-9]+\.PR\.\d+: .{20,}/.test(v.reason ?? ''))).toEqual([]);
  });

  it('writes the ALB access logs to a bucket the load balancer may write to', () => {
    const [alb] = ofType(service, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    const attributes = alb?.Properties.LoadBalancerAttributes as { Key: string; Value: unknown }[];
    expect(attributes).toEqual(
      expect.arrayContaining([
        { Key: 'access_logs.s3.enabled', Value: 'true' },
        expect.objectContaining({ Key: 'access_logs.s3.bucket' }),
      ]),
    );
    const policy = JSON.stringify(ofType(service, 'AWS::S3::BucketPolicy'));
    expect(policy).toContain('logdelivery.elasticloadbalancing.amazonaws.com');
    expect(policy).toContain('ElbAccountWritesAccessLogs');
  });

  it('assigns no public IP by default in any subnet', () => {
    const subnets = ofType(service, 'AWS::EC2::Subnet');
    expect(subnets.length).toBeGreaterThan(0);
    expect(subnets.filter((s) => s.Properties.MapPublicIpOnLaunch === true)).toEqual([]);
  });

  it('gives the container a hard memory limit from the settings', () => {
    const [taskDefinition] = ofType(service, 'AWS::ECS::TaskDefinition');
    const [container] = taskDefinition?.Properties.ContainerDefinitions as { Memory?: number }[];
    expect(container?.Memory).toBe(settings.container.memoryMiB);
  });

  it('sends the build logs to a log group the pipeline stack owns', () => {
    const [project] = ofType(pipeline, 'AWS::CodeBuild::Project');
    expect(project?.Properties.LogsConfig).toEqual({
      CloudWatchLogs: { Status: 'ENABLED', GroupName: expect.anything() },
    });
  });
});
