import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse } from 'yaml';
import { settings } from '../../contract/settings';
import { expectReleasableFaults } from '../../contract/test/support/taskdef-fixture';

const ROOT = join(__dirname, '..', '..');
const taskdefText = readFileSync(join(ROOT, 'taskdef.json'), 'utf8');
const taskdef = JSON.parse(taskdefText);
const container = taskdef.containerDefinitions[0];
const appspecText = readFileSync(join(ROOT, 'appspec.yml'), 'utf8');
const appspec = parse(appspecText);
const environment = container.environment as { name: string; value: string }[];
const env = (name: string): string | undefined => environment.find((e) => e.name === name)?.value;

describe('taskdef.json agrees with settings', () => {
  it('has one container, named and listening as settings say, with the image left to CodePipeline', () => {
    expect(taskdef.containerDefinitions).toHaveLength(1);
    expect(container).toMatchObject({
      name: settings.container.name,
      image: '<IMAGE1_NAME>',
      essential: true,
      portMappings: [{ containerPort: settings.container.port, protocol: 'tcp' }],
    });
  });

  it('sizes the Fargate task from settings (ECS wants cpu and memory as strings)', () => {
    expect(taskdef).toMatchObject({
      cpu: String(settings.container.cpu),
      memory: String(settings.container.memoryMiB),
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
    });
  });

  it('checks health with node itself (exec form), on the timings in settings', () => {
    const hc = settings.containerHealthCheck;
    expect(container.healthCheck).toEqual({
      command: ['CMD', 'node', posix.join(settings.image.workdir, settings.image.healthcheckEntry)],
      interval: hc.intervalSeconds,
      timeout: hc.timeoutSeconds,
      retries: hc.retries,
      startPeriod: hc.startPeriodSeconds,
    });
  });

  it('runs as the non-root user with a read-only root file system, an init process and the stop timeout', () => {
    expect(container).toMatchObject({
      user: String(settings.image.uid),
      readonlyRootFilesystem: true,
      linuxParameters: { initProcessEnabled: true },
      stopTimeout: settings.container.stopTimeoutSeconds,
    });
  });

  it('logs with awslogs to the service log group, filled in at build time', () => {
    expect(container.logConfiguration).toEqual({
      logDriver: 'awslogs',
      options: {
        'awslogs-group': '{{LOG_GROUP_NAME}}',
        'awslogs-region': '{{AWS_REGION}}',
        'awslogs-stream-prefix': 'ecs',
      },
    });
  });

  // A rehearsal commit differs from a healthy one only in FAULTS, and must release all the same.
  it('holds FAULTS to a fault list the service accepts within the limits, whatever a flip set it to', () => {
    expect(() => expectReleasableFaults(env('FAULTS'))).not.toThrow();
    expect(env('APP_VERSION')).toBe('{{APP_VERSION}}');
  });

  it('would refuse a FAULTS value the service refuses, naming the variable and the value', () => {
    expect(() => expectReleasableFaults('health-fail=yes')).toThrow(
      /FAULTS="health-fail=yes" is not valid: fault "health-fail" takes no value/,
    );
    expect(() => expectReleasableFaults(undefined)).toThrow(/no FAULTS entry/);
  });

  it('leaves every account-specific value to the build', () => {
    expect(taskdef).toMatchObject({
      family: '{{TASK_FAMILY}}',
      executionRoleArn: '{{TASK_EXECUTION_ROLE_ARN}}',
      taskRoleArn: '{{TASK_ROLE_ARN}}',
    });
    expect(taskdefText).not.toMatch(/\d{12}|arn:aws/);
  });

  it('is written exactly as JSON.stringify(value, null, 2) writes it, so a fault flip changes one line', () => {
    expect(taskdefText).toBe(`${JSON.stringify(taskdef, null, 2)}\n`);
  });
});

describe('appspec.yml agrees with settings', () => {
  it('is an ECS AppSpec version 0.0 for the task definition CodeDeploy registers', () => {
    expect(appspecText).toMatch(/^version: 0\.0$/m);
    expect(appspec.Resources).toEqual([
      {
        TargetService: {
          Type: 'AWS::ECS::Service',
          Properties: {
            TaskDefinition: '<TASK_DEFINITION>',
            LoadBalancerInfo: {
              ContainerName: settings.container.name,
              ContainerPort: settings.container.port,
            },
            PlatformVersion: 'LATEST',
          },
        },
      },
    ]);
  });

  it('runs the test-traffic hook after test traffic is allowed and before production moves', () => {
    expect(appspec.Hooks).toEqual([{ AfterAllowTestTraffic: settings.hook.functionName }]);
  });
});
