import * as fs from 'node:fs';
import * as path from 'node:path';
import { Capture, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { settings } from '../../contract/settings';
import { OUTPUT_KEYS, STACK_NAMES } from '../../contract/stack-outputs';
import { buildStacks, type BuiltStacks } from './build-stacks';
import { functionControllers, JOB_FUNCTION_IDS } from './function-controllers';

let built: BuiltStacks;
beforeAll(() => {
  built = buildStacks();
  built.app.synth();
});
afterAll(() => built.cleanup());

const template = () => built.serviceTemplate();

describe('target groups and listeners', () => {
  test('two IP target groups use the shared health check and deregistration delay', () => {
    const hc = settings.targetHealthCheck;
    template().resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 2);
    template().allResourcesProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'ip',
      Port: settings.container.port,
      HealthCheckPath: settings.container.healthPath,
      HealthCheckIntervalSeconds: hc.intervalSeconds,
      HealthCheckTimeoutSeconds: hc.timeoutSeconds,
      HealthyThresholdCount: hc.healthyThresholdCount,
      UnhealthyThresholdCount: hc.unhealthyThresholdCount,
      Matcher: { HttpCode: hc.healthyHttpCodes },
      TargetGroupAttributes: Match.arrayWith([
        { Key: 'deregistration_delay.timeout_seconds', Value: String(settings.deregistrationDelaySeconds) },
      ]),
    });
  });

  test('the ALB is internet-facing with the shared idle timeout', () => {
    template().hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'idle_timeout.timeout_seconds', Value: String(settings.http.albIdleTimeoutSeconds) },
      ]),
    });
  });

  test('nothing routes or admits traffic to the metrics port: no target group, mapping or ingress names it', () => {
    const props = (type: string) =>
      Object.values(template().findResources(type)).map((r) => r.Properties as Record<string, unknown>);
    const targetGroupPorts = props('AWS::ElasticLoadBalancingV2::TargetGroup').map((tg) => tg.Port);
    const mappedPorts = props('AWS::ECS::TaskDefinition').flatMap((td) =>
      (td.ContainerDefinitions as { PortMappings?: { ContainerPort: number }[] }[]).flatMap((c) =>
        (c.PortMappings ?? []).map((m) => m.ContainerPort),
      ),
    );
    const ingressPorts = [
      ...props('AWS::EC2::SecurityGroupIngress'),
      ...props('AWS::EC2::SecurityGroup').flatMap(
        (sg) => (sg.SecurityGroupIngress as Record<string, unknown>[] | undefined) ?? [],
      ),
    ].flatMap((rule) => [rule.FromPort, rule.ToPort]);
    expect(targetGroupPorts).toEqual([settings.container.port, settings.container.port]);
    expect(mappedPorts).toEqual([settings.container.port]);
    expect(ingressPorts).not.toContain(settings.container.metricsPort);
  });

  test('the test listener port admits only the NAT address (the hook) by default', () => {
    const ingress = template().findResources('AWS::EC2::SecurityGroup', {
      Properties: { GroupDescription: Match.stringLikeRegexp('^Production listener') },
    });
    const rules = (
      Object.values(ingress)[0] as { Properties: { SecurityGroupIngress: Record<string, unknown>[] } }
    ).Properties.SecurityGroupIngress;
    const testRules = rules.filter((r) => r.FromPort === settings.loadBalancer.testPort);
    expect(testRules).toHaveLength(1);
    expect(JSON.stringify(testRules[0]!.CidrIp)).toContain('NatEip');
    expect(rules.find((r) => r.FromPort === settings.loadBalancer.httpPort)).toMatchObject({
      CidrIp: '0.0.0.0/0',
    });
  });
});

test('tasks accept traffic only from the load balancer, on the container port', () => {
  const ingress = Object.values(template().findResources('AWS::EC2::SecurityGroupIngress')).map(
    (r) => r.Properties as Record<string, unknown>,
  );
  expect(ingress).toEqual([
    expect.objectContaining({
      FromPort: settings.container.port,
      ToPort: settings.container.port,
      SourceSecurityGroupId: {
        'Fn::GetAtt': [expect.stringMatching(/^LoadBalancingAlbSecurityGroup/), 'GroupId'],
      },
      GroupId: { 'Fn::GetAtt': [expect.stringMatching(/^ServiceServiceSecurityGroup/), 'GroupId'] },
    }),
  ]);
});

describe('ECR, cluster and task definition', () => {
  test('the repository scans on push, has immutable tags and the catch-all lifecycle rule last', () => {
    const policy = new Capture();
    template().hasResourceProperties('AWS::ECR::Repository', {
      ImageScanningConfiguration: { ScanOnPush: true },
      ImageTagMutability: 'IMMUTABLE',
      LifecyclePolicy: { LifecyclePolicyText: policy },
    });
    const rules = (JSON.parse(policy.asString()) as { rules: Record<string, unknown>[] }).rules;
    expect(rules).toEqual([
      expect.objectContaining({
        rulePriority: 1,
        selection: expect.objectContaining({ tagStatus: 'untagged', countUnit: 'days', countNumber: 7 }),
      }),
      expect.objectContaining({
        rulePriority: 2,
        selection: expect.objectContaining({ tagStatus: 'any', countNumber: 10 }),
      }),
    ]);
  });

  test('the cluster has Container Insights', () => {
    template().hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
  });

  test('the container runs hardened, with a node health check, both env variables and retained logs', () => {
    const hc = settings.containerHealthCheck;
    template().hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: String(settings.container.cpu),
      Memory: String(settings.container.memoryMiB),
      ContainerDefinitions: [
        Match.objectLike({
          Name: settings.container.name,
          PortMappings: [Match.objectLike({ ContainerPort: settings.container.port })],
          ReadonlyRootFilesystem: true,
          StopTimeout: settings.container.stopTimeoutSeconds,
          LinuxParameters: { InitProcessEnabled: true },
          Environment: Match.arrayWith([
            { Name: 'APP_VERSION', Value: 'initial' },
            { Name: 'FAULTS', Value: '' },
          ]),
          HealthCheck: {
            Command: ['CMD', 'node', `${settings.image.workdir}/${settings.image.healthcheckEntry}`],
            Interval: hc.intervalSeconds,
            Timeout: hc.timeoutSeconds,
            Retries: hc.retries,
            StartPeriod: hc.startPeriodSeconds,
          },
          LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }),
        }),
      ],
    });
    template().hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: settings.ecs.logRetentionDays,
    });
  });

  test('the stop timeout leaves room for the service drain deadline', () => {
    expect(settings.shutdown.deadlineMs / 1000).toBeLessThan(settings.container.stopTimeoutSeconds);
  });

  test('the service is under the CODE_DEPLOY controller with the desired count and grace period', () => {
    template().hasResourceProperties('AWS::ECS::TaskDefinition', { Family: settings.serviceName });
    template().hasResourceProperties('AWS::ECS::Service', {
      // The family, not a revision ARN: a later cdk deploy does not undo what CodeDeploy deployed.
      TaskDefinition: settings.serviceName,
      DeploymentController: { Type: 'CODE_DEPLOY' },
      DesiredCount: settings.ecs.desiredCount,
      HealthCheckGracePeriodSeconds: settings.ecs.healthCheckGracePeriodSeconds,
      LaunchType: 'FARGATE',
    });
  });
});

describe('CodeDeploy', () => {
  test('the deployment group keeps blue for the bake period, rolls back on failure, stop and alarm', () => {
    const alarms = new Capture();
    template().hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentConfigName: settings.deployment.defaultConfig,
      DeploymentStyle: { DeploymentOption: 'WITH_TRAFFIC_CONTROL', DeploymentType: 'BLUE_GREEN' },
      BlueGreenDeploymentConfiguration: Match.objectLike({
        TerminateBlueInstancesOnDeploymentSuccess: {
          Action: 'TERMINATE',
          TerminationWaitTimeInMinutes: settings.deployment.terminationWaitMinutes,
        },
      }),
      AutoRollbackConfiguration: {
        Enabled: true,
        Events: Match.arrayEquals([
          'DEPLOYMENT_FAILURE',
          'DEPLOYMENT_STOP_ON_REQUEST',
          'DEPLOYMENT_STOP_ON_ALARM',
        ]),
      },
      AlarmConfiguration: { Enabled: true, Alarms: alarms },
    });
    expect(alarms.asArray()).toHaveLength(8);
    expect(settings.deployment.terminationWaitMinutes).toBeGreaterThanOrEqual(5);
  });

  test('CodeDeploy uses only the limited ECS role policy', () => {
    template().hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'codedeploy.amazonaws.com' } })],
      }),
      ManagedPolicyArns: [
        {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AWSCodeDeployRoleForECSLimited'],
          ],
        },
      ],
    });
  });
});

describe('alarms', () => {
  const alarmsFor = (metricName: string) =>
    Object.values(
      template().findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: metricName } }),
    );

  test('unhealthy hosts and response time are watched on both target groups', () => {
    for (const [metric, threshold, stat, op] of [
      ['UnHealthyHostCount', settings.alarms.unhealthyHosts, 'Maximum', 'GreaterThanOrEqualToThreshold'],
      ['TargetResponseTime', settings.alarms.responseTimeSeconds, 'Average', 'GreaterThanThreshold'],
    ] as const) {
      const found = alarmsFor(metric);
      expect(found).toHaveLength(2);
      for (const alarm of found) {
        expect(alarm.Properties).toMatchObject({
          Threshold: threshold,
          Statistic: stat,
          ComparisonOperator: op,
          Period: settings.alarms.periodSeconds,
          EvaluationPeriods: settings.alarms.evaluationPeriods,
          DatapointsToAlarm: settings.alarms.datapointsToAlarm,
          TreatMissingData: 'notBreaching',
        });
      }
    }
  });

  test('target 5xx is a rate per target group that falls back to a count under low traffic', () => {
    const expressions = Object.values(
      template().findResources('AWS::CloudWatch::Alarm', { Properties: { Metrics: Match.anyValue() } }),
    ).map((a) => (a.Properties.Metrics as { Expression?: string }[]).find((m) => m.Expression)?.Expression);
    expect(expressions).toHaveLength(2);
    for (const e of expressions) {
      expect(e).toBe(
        `IF(requests >= ${settings.alarms.target5xxMinRequests}, 100 * errors / requests, IF(errors >= ${settings.alarms.target5xxCount}, 100, 0))`,
      );
    }
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: settings.alarms.target5xxRatePercent,
      TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([
        Match.objectLike({
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ MetricName: 'HTTPCode_Target_5XX_Count' }),
          }),
        }),
      ]),
    });
  });

  test('ELB 5xx is watched on the load balancer (the metric has no target-group dimension)', () => {
    const [alarm] = alarmsFor('HTTPCode_ELB_5XX_Count');
    expect(alarm!.Properties).toMatchObject({ Threshold: settings.alarms.elb5xxCount, Statistic: 'Sum' });
    expect(alarm!.Properties.Dimensions).toEqual([expect.objectContaining({ Name: 'LoadBalancer' })]);
  });

  test('abnormal task stops reach a log group whose metric filter feeds the stopped-tasks alarm', () => {
    template().hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        detail: Match.objectLike({
          // From the first event of a stop (desiredStatus), not its last (lastStatus): the guard acts sooner.
          desiredStatus: ['STOPPED'],
          lastStatus: Match.absent(),
          group: [{ 'Fn::Join': ['', ['service:', Match.anyValue()]] }],
          $or: [
            { stopCode: ['EssentialContainerExited', 'TaskFailedToStart'] },
            { stoppedReason: [{ prefix: 'Task failed' }] },
          ],
        }),
      },
      Targets: [
        Match.objectLike({ Arn: { 'Fn::Join': ['', Match.arrayWith([':log-group:'])] } }),
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StoppedTaskGuardFunction'), 'Arn'] },
        }),
      ],
    });
    template().hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.detail.lastStatus = "STOPPED" }',
      MetricTransformations: [Match.objectLike({ MetricName: 'AbnormallyStoppedTasks', MetricValue: '1' })],
    });
    const [policy] = Object.values(template().findResources('AWS::Logs::ResourcePolicy'));
    expect(JSON.stringify(policy!.Properties.PolicyDocument)).toContain('events.amazonaws.com');
    const [alarm] = alarmsFor('AbnormallyStoppedTasks');
    expect(alarm!.Properties).toMatchObject({ Threshold: settings.alarms.stoppedTasks, Statistic: 'Sum' });
  });
});

describe('test-traffic hook', () => {
  test('runs on Node 24 in the VPC under the CodeDeployHook_ name, without retries', () => {
    template().hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: settings.hook.functionName,
      Runtime: 'nodejs24.x',
      VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue() }),
      Environment: { Variables: Match.objectLike({ TEST_LISTENER_URL: Match.anyValue() }) },
      Timeout: settings.hook.lambdaTimeoutSeconds,
    });
    expect(settings.hook.functionName.startsWith('CodeDeployHook_')).toBe(true);
    template().hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
  });

  test('reads its own deployment group, and reports on "*" because the report action has no resource type', () => {
    template().hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'codedeploy:GetDeployment',
            Resource: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
          }),
          Match.objectLike({
            Action: ['codedeploy:PutLifecycleEventHookExecutionStatus', 'ecs:DescribeTaskDefinition'],
            Resource: '*',
          }),
        ]),
      },
    });
  });
});

describe('stopped-task guard', () => {
  test('lists and reads its own deployment group, and stops on "*" because StopDeployment has no resource type', () => {
    template().hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['codedeploy:GetDeployment', 'codedeploy:ListDeployments'],
            Resource: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
          }),
          Match.objectLike({ Action: 'codedeploy:StopDeployment', Resource: '*' }),
        ]),
      },
    });
    template().hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Environment: {
        Variables: Match.objectLike({
          APPLICATION_NAME: Match.anyValue(),
          DEPLOYMENT_GROUP_NAME: Match.anyValue(),
        }),
      },
    });
  });
});

describe('target-health watcher', () => {
  test('starts with each deployment of the group and reads target health on "*", which has no resource type', () => {
    template().hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.codedeploy'],
        'detail-type': ['CodeDeploy Deployment State-change Notification'],
        detail: Match.objectLike({ state: ['START'] }),
      },
    });
    const statements = Object.entries(template().findResources('AWS::IAM::Policy'))
      .filter(([id]) => id.startsWith('TargetHealthWatcher'))
      .flatMap(
        ([, p]) =>
          (p as { Properties: { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } } })
            .Properties.PolicyDocument.Statement,
      );
    const onStar = statements.filter((st) => st.Resource === '*').flatMap((st) => [st.Action].flat());
    expect(onStar.sort()).toEqual(['codedeploy:StopDeployment', 'elasticloadbalancing:DescribeTargetHealth']);
    const get = statements.find((st) => st.Action === 'codedeploy:GetDeployment');
    expect(JSON.stringify(get?.Resource)).toContain(':deploymentgroup:');
    template().hasResourceProperties('AWS::Lambda::Function', {
      Timeout: settings.targetHealthWatcher.watchLimitSeconds + 60,
      Environment: {
        Variables: Match.objectLike({
          POLL_SECONDS: String(settings.targetHealthWatcher.pollSeconds),
          TARGET_GROUP_ARNS: Match.anyValue(),
        }),
      },
    });
  });
});

describe('notifications, dashboard and outputs', () => {
  test('failed or stopped deployments of this group go to the SNS topic', () => {
    template().hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        source: ['aws.codedeploy'],
        detail: Match.objectLike({ state: ['FAILURE', 'STOP'] }),
      }),
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('NotificationsTopic') } })],
    });
  });

  test('a dashboard exists', () => {
    template().resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  test('every output the tools read is present under its shared key', () => {
    const outputs = template().findOutputs('*');
    const expected = Object.entries(OUTPUT_KEYS)
      .filter(([key]) => key !== 'pipelineName')
      .map(([, name]) => name);
    expect(Object.keys(outputs).sort()).toEqual([...expected].sort());
    expect(outputs[OUTPUT_KEYS.deploymentController]?.Value).toBe('codedeploy');
    expect(built.service.stackName).toBe(STACK_NAMES.service);
  });
});

describe('context', () => {
  test('deploymentConfig and desiredCount override the defaults; a bad name is refused with the choices', () => {
    const other = buildStacks({ context: { deploymentConfig: 'ECSAllAtOnce', desiredCount: '3' } });
    try {
      other.serviceTemplate().hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
        DeploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce',
      });
      other.serviceTemplate().hasResourceProperties('AWS::ECS::Service', { DesiredCount: 3 });
    } finally {
      other.cleanup();
    }
    expect(() => buildStacks({ context: { deploymentConfig: 'Fast' } })).toThrow(/ECSAllAtOnce/);
    expect(() => buildStacks({ context: { testListenerCidr: '10.0.0.1' } })).toThrow(/testListenerCidr/);
  });
});

describe('synthesis', () => {
  test('cdk-nag AwsSolutions reports nothing unacknowledged', () => {
    // Synthesis runs the same pack (pipeline/bin/app.ts) but stops at the first report; this lists them all.
    const report = new AwsSolutionsChecks(built.app).validateScope(built.app);
    expect(
      report.violations.map(
        (v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.locations.join(',')).join(' ')}`,
      ),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  test('the image context staged in the assembly holds the Dockerfile but never node_modules, cdk.out, dist or .git', () => {
    const assets = JSON.parse(
      fs.readFileSync(path.join(built.outdir, `${STACK_NAMES.service}.assets.json`), 'utf8'),
    ) as { dockerImages: Record<string, { source: { directory: string } }> };
    const images = Object.values(assets.dockerImages);
    expect(images).toHaveLength(1);
    const dir = path.join(built.outdir, images[0]!.source.directory);
    const entries = fs.readdirSync(dir);
    expect(entries).toContain('Dockerfile');
    for (const banned of ['node_modules', 'cdk.out', 'dist', '.git']) expect(entries).not.toContain(banned);
  });
});

describe('one function per job', () => {
  test('the hook, the guard and the watcher keep their logical IDs and are told they run under codedeploy', () => {
    expect(functionControllers(template())).toEqual(
      Object.fromEntries(JOB_FUNCTION_IDS.map((id) => [id, 'codedeploy'])),
    );
  });
});
