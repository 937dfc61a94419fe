import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeServicesCommand,
  type ECSClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-ecs';
import {
  DescribeRulesCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';

/**
 * The live service the native deploy step reads before it starts: its listener rules' weights, each
 * target group's healthy targets and its deployment alarms' states, answered by mocks. The defaults are
 * a service ready for a release: production on blue, which has two healthy targets, every alarm OK.
 */
export const PROD_RULE = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/a/1/2/prod';
export const TEST_RULE = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/a/1/3/test';
export const BLUE = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/blue/1';
export const GREEN = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/green/2';
export const ALARMS = ['svc-unhealthy-hosts', 'svc-target-5xx'];

export const elbv2 = mockClient(ElasticLoadBalancingV2Client);
export const cloudwatch = mockClient(CloudWatchClient);

export interface LiveService {
  /** Production's weight on blue (green gets the rest). */
  readonly productionOnBlue?: number;
  readonly healthy?: { readonly blue: number; readonly green: number };
  readonly firing?: readonly string[];
}

const forward = (blueWeight: number) => ({
  Type: 'forward' as const,
  ForwardConfig: {
    TargetGroups: [
      { TargetGroupArn: BLUE, Weight: blueWeight },
      { TargetGroupArn: GREEN, Weight: 100 - blueWeight },
    ],
  },
});

/** Answers the reads the checks make; `ecs` is the test's own ECS mock. */
export function liveService(
  ecs: AwsStub<ServiceInputTypes, ServiceOutputTypes, ECSClientResolvedConfig>,
  live: LiveService = {},
): void {
  const { productionOnBlue = 100, healthy = { blue: 2, green: 0 }, firing = [] } = live;
  elbv2.reset();
  cloudwatch.reset();
  ecs.on(DescribeServicesCommand).resolves({
    services: [
      {
        loadBalancers: [
          { advancedConfiguration: { productionListenerRule: PROD_RULE, testListenerRule: TEST_RULE } },
        ],
        deploymentConfiguration: { alarms: { alarmNames: ALARMS, enable: true, rollback: true } },
      },
    ],
  });
  elbv2
    .on(DescribeRulesCommand, { RuleArns: [PROD_RULE] })
    .resolves({ Rules: [{ RuleArn: PROD_RULE, Actions: [forward(productionOnBlue)] }] });
  elbv2
    .on(DescribeRulesCommand, { RuleArns: [TEST_RULE] })
    .resolves({ Rules: [{ RuleArn: TEST_RULE, Actions: [forward(0)] }] });
  for (const [arn, count] of [
    [BLUE, healthy.blue],
    [GREEN, healthy.green],
  ] as const) {
    elbv2.on(DescribeTargetHealthCommand, { TargetGroupArn: arn }).resolves({
      TargetHealthDescriptions: Array.from({ length: count }, (_, i) => ({
        Target: { Id: `10.0.0.${i}` },
        TargetHealth: { State: 'healthy' },
      })),
    });
  }
  cloudwatch.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: ALARMS.map((name) => ({
      AlarmName: name,
      StateValue: firing.includes(name) ? 'ALARM' : 'OK',
    })),
  });
}

/** Clients for the step's deps, each answered by its mock. */
export const liveClients = () => ({
  elbv2: new ElasticLoadBalancingV2Client({ region: 'eu-west-1' }),
  cloudwatch: new CloudWatchClient({ region: 'eu-west-1' }),
});
