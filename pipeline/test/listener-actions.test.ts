/**
 * No listener rule that is not a forward, under either controller, with or without a certificate: ECS's
 * native blue/green fails a deployment whose ALB listener rules mix forward with non-forward actions
 * (ECS Developer Guide, "Application Load Balancer resources for blue/green, linear, and canary
 * deployments", Limitations). The one exception, the port-80 redirect listener when `certificateArn` is
 * set, is a listener of its own that neither controller is given. Bundling is skipped: only the load
 * balancer's resources are read.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { settings } from '../../contract/settings';
import { buildStacks, type BuiltStacks } from './build-stacks';

const CERTIFICATE = 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';

type Properties = Record<string, unknown>;
type Action = { Type: string; RedirectConfig?: Properties };
type Ref = { Ref: string };

const resources = (t: Template, type: string): [string, Properties][] =>
  Object.entries(t.findResources(type)).map(([id, r]) => [id, (r as { Properties: Properties }).Properties]);

/** The listeners the stack hands its controller: CodeDeploy's traffic routes, or the listeners of ECS's rules. */
function listenersGiven(t: Template, controller: string): string[] {
  if (controller === 'codedeploy') {
    const [[, group]] = resources(t, 'AWS::CodeDeploy::DeploymentGroup') as [[string, Properties]];
    const pairs = (group.LoadBalancerInfo as { TargetGroupPairInfoList: Properties[] })
      .TargetGroupPairInfoList;
    return pairs.flatMap((pair) =>
      ['ProdTrafficRoute', 'TestTrafficRoute'].flatMap((route) =>
        (pair[route] as { ListenerArns: Ref[] }).ListenerArns.map((arn) => arn.Ref),
      ),
    );
  }
  const rules = new Map(resources(t, 'AWS::ElasticLoadBalancingV2::ListenerRule'));
  const [[, service]] = resources(t, 'AWS::ECS::Service') as [[string, Properties]];
  return (service.LoadBalancers as { AdvancedConfiguration: Record<string, Ref> }[]).flatMap((lb) =>
    [lb.AdvancedConfiguration.ProductionListenerRule!, lb.AdvancedConfiguration.TestListenerRule!].map(
      (rule) => (rules.get(rule.Ref)!.ListenerArn as Ref).Ref,
    ),
  );
}

describe.each([
  ['codedeploy', undefined],
  ['codedeploy', CERTIFICATE],
  ['ecs', undefined],
  ['ecs', CERTIFICATE],
])('the %s stack (certificateArn %s)', (controller, certificateArn) => {
  let built: BuiltStacks;
  beforeAll(() => {
    built = buildStacks({
      context: {
        controller,
        ...(certificateArn === undefined ? {} : { certificateArn }),
        'aws:cdk:bundling-stacks': [],
      },
    });
  });
  afterAll(() => built.cleanup());
  const template = () => built.serviceTemplate();
  const listeners = () => resources(template(), 'AWS::ElasticLoadBalancingV2::Listener');
  const redirectListeners = () =>
    listeners().filter(([, l]) => (l.DefaultActions as Action[]).some((a) => a.Type !== 'forward'));

  test('every action of every listener rule is a forward', () => {
    const rules = resources(template(), 'AWS::ElasticLoadBalancingV2::ListenerRule');
    const types = rules.flatMap(([id, rule]) => (rule.Actions as Action[]).map((a) => `${id}: ${a.Type}`));
    expect(types.filter((t) => !t.endsWith(': forward'))).toEqual([]);
    expect(rules).toHaveLength(controller === 'ecs' ? 2 : 0);
  });

  test('every listener default action is a forward, but for the HTTP-to-HTTPS redirect when a certificate is given', () => {
    expect(listeners().length).toBe(certificateArn === undefined ? 2 : 3);
    const redirects = redirectListeners();
    if (certificateArn === undefined) {
      expect(redirects).toEqual([]);
      return;
    }
    expect(redirects).toHaveLength(1);
    const [[, redirect]] = redirects as [[string, Properties]];
    expect(redirect.Port).toBe(settings.loadBalancer.httpPort);
    expect(redirect.DefaultActions).toEqual([
      {
        Type: 'redirect',
        RedirectConfig: expect.objectContaining({
          Protocol: 'HTTPS',
          Port: String(settings.loadBalancer.httpsPort),
        }) as unknown,
      },
    ]);
  });

  test('the controller is given the production and test listeners only, never the redirect listener', () => {
    const given = listenersGiven(template(), controller);
    const forwarding = listeners()
      .filter(([id]) => !redirectListeners().some(([other]) => other === id))
      .map(([id]) => id);
    expect([...given].sort()).toEqual([...forwarding].sort());
    expect(given).toEqual([
      expect.stringMatching(/ProductionListener/),
      expect.stringMatching(/TestListener/),
    ]);
    for (const [id] of redirectListeners()) expect(given).not.toContain(id);
  });
});
