import { taskdefWithFaults } from '../../../contract/test/support/taskdef-fixture';
import { renderTaskDefinition } from '../../release/render-taskdef';
import { SAMPLE } from './sample-variables';

const TEMPLATE = taskdefWithFaults('');

interface EditableContainer {
  image: string;
  environment: { name: string; value: string }[];
  [field: string]: unknown;
}
interface EditableTaskDef {
  family: string;
  taskRoleArn: string;
  containerDefinitions: EditableContainer[];
}

/** The committed template, edited as JSON. */
function template(edit: (td: EditableTaskDef) => void): string {
  const td = JSON.parse(TEMPLATE) as EditableTaskDef;
  edit(td);
  return JSON.stringify(td, null, 2);
}

describe('renderTaskDefinition', () => {
  it('fills the account-specific values of the committed template from the build variables', () => {
    const td = renderTaskDefinition(TEMPLATE, SAMPLE);
    expect(td).toMatchObject({
      family: SAMPLE.taskFamily,
      executionRoleArn: SAMPLE.executionRoleArn,
      taskRoleArn: SAMPLE.taskRoleArn,
    });
    const container = td.containerDefinitions![0]!;
    expect(container.logConfiguration?.options).toMatchObject({
      'awslogs-group': SAMPLE.logGroupName,
      'awslogs-region': SAMPLE.region,
    });
    expect(container.environment).toContainEqual({ name: 'APP_VERSION', value: SAMPLE.appVersion });
    expect(JSON.stringify(td)).not.toContain('{{');
  });

  it("keeps CodePipeline's image placeholder for the deploy action to fill", () => {
    expect(renderTaskDefinition(TEMPLATE, SAMPLE).containerDefinitions![0]!.image).toBe('<IMAGE1_NAME>');
  });

  it('accepts a flipped fault', () => {
    const flipped = template((td) => {
      td.containerDefinitions[0]!.environment[0]!.value = 'error-rate=0.5,latency';
    });
    expect(renderTaskDefinition(flipped, SAMPLE).containerDefinitions![0]!.environment).toContainEqual({
      name: 'FAULTS',
      value: 'error-rate=0.5,latency',
    });
  });

  it('refuses a FAULTS value the service would refuse, with the parser message', () => {
    const bad = template((td) => {
      td.containerDefinitions[0]!.environment[0]!.value = 'error-rate=2';
    });
    expect(() => renderTaskDefinition(bad, SAMPLE)).toThrow(
      /taskdef\.json containerDefinitions\[0\]\.environment FAULTS: FAULTS="error-rate=2" is not valid: fault "error-rate" needs a number from 0 to 1/,
    );
  });

  it('refuses a template without FAULTS, since a flip could then not make a new revision', () => {
    const bad = template((td) => {
      td.containerDefinitions[0]!.environment = td.containerDefinitions[0]!.environment.filter(
        (e) => e.name !== 'FAULTS',
      );
    });
    expect(() => renderTaskDefinition(bad, SAMPLE)).toThrow(/needs a FAULTS entry/);
  });

  it('refuses broken JSON, naming the file', () => {
    expect(() => renderTaskDefinition(TEMPLATE.replace('"family"', 'family'), SAMPLE)).toThrow(
      /^taskdef\.json: is not valid JSON/,
    );
  });

  it('refuses a field ECS does not know', () => {
    const bad = template((td) => {
      td.containerDefinitions[0]!.healthcheck = td.containerDefinitions[0]!.healthCheck;
    });
    expect(() => renderTaskDefinition(bad, SAMPLE)).toThrow(
      /containerDefinitions\[0\]\.healthcheck is not a field of ContainerDefinition/,
    );
  });

  it('refuses a pinned image, which would deploy something other than this build', () => {
    const bad = template((td) => {
      td.containerDefinitions[0]!.image = 'public.ecr.aws/docker/library/node:24';
    });
    expect(() => renderTaskDefinition(bad, SAMPLE)).toThrow(/image: must be "<IMAGE1_NAME>"/);
  });

  it('refuses an unknown placeholder and a placeholder inside text', () => {
    const unknown = template((td) => {
      td.taskRoleArn = '{{TASK_ROLE}}';
    });
    expect(() => renderTaskDefinition(unknown, SAMPLE)).toThrow(
      /taskdef\.json\.taskRoleArn: unknown placeholder \{\{TASK_ROLE\}\}/,
    );
    const mixed = template((td) => {
      td.family = 'prefix-{{TASK_FAMILY}}';
    });
    expect(() => renderTaskDefinition(mixed, SAMPLE)).toThrow(/mixes a placeholder with text/);
  });

  it("refuses a container name other than the service stack's", () => {
    expect(() => renderTaskDefinition(TEMPLATE, { ...SAMPLE, containerName: 'web' })).toThrow(
      /has no container named "web" \(the service stack's container\); found "app"/,
    );
  });

  it('refuses a hard-coded family that differs from the service', () => {
    const bad = template((td) => {
      td.family = 'other';
    });
    expect(() => renderTaskDefinition(bad, SAMPLE)).toThrow(/family: is "other" but the service uses/);
  });

  it.each([
    [
      'executionRoleArn',
      (td: EditableTaskDef) =>
        ((td as unknown as Record<string, unknown>).executionRoleArn = 'arn:aws:iam::999999999999:role/x'),
      /taskdef\.json executionRoleArn: is "arn:aws:iam::999999999999:role\/x" but the service stack's is .*write "\{\{TASK_EXECUTION_ROLE_ARN\}\}"/,
    ],
    [
      'taskRoleArn',
      (td: EditableTaskDef) => delete (td as unknown as Record<string, unknown>).taskRoleArn,
      /taskdef\.json taskRoleArn: is null but .*write "\{\{TASK_ROLE_ARN\}\}"/,
    ],
    [
      'awslogs-group',
      (td: EditableTaskDef) => (logOptions(td)['awslogs-group'] = '/ecs/other'),
      /logConfiguration awslogs-group: is "\/ecs\/other" .*write "\{\{LOG_GROUP_NAME\}\}"/,
    ],
    [
      'awslogs-region',
      (td: EditableTaskDef) => (logOptions(td)['awslogs-region'] = 'us-east-1'),
      /logConfiguration awslogs-region: is "us-east-1" .*write "\{\{AWS_REGION\}\}"/,
    ],
  ])(
    'refuses a template whose %s placeholder is missing, naming the field and the placeholder to write',
    (_, edit, message) => {
      expect(() => renderTaskDefinition(template(edit), SAMPLE)).toThrow(message);
    },
  );

  it('refuses an environment entry given twice, since ECS and this check could read different ones', () => {
    const bad = template((td) => {
      td.containerDefinitions[0]!.environment.push({ name: 'FAULTS', value: 'health-fail' });
    });
    expect(() => renderTaskDefinition(bad, SAMPLE)).toThrow(
      /containerDefinitions\[0\]\.environment: names "FAULTS" more than once/,
    );
  });

  it('refuses the image placeholder in a second container and a container name used twice', () => {
    const sidecar = template((td) => {
      td.containerDefinitions.push({ ...td.containerDefinitions[0]!, name: 'sidecar' });
    });
    expect(() => renderTaskDefinition(sidecar, SAMPLE)).toThrow(
      /use "<IMAGE1_NAME>" in 2 containers \("app", "sidecar"\); only the service's container "app"/,
    );
    const twin = template((td) => {
      td.containerDefinitions.push({ ...td.containerDefinitions[0]!, image: 'busybox' });
    });
    expect(() => renderTaskDefinition(twin, SAMPLE)).toThrow(
      /containerDefinitions: name "app" more than once/,
    );
  });

  it.each([
    ['another port', [{ containerPort: 9090, protocol: 'tcp' }], /maps 9090 but the service listens on 8080/],
    ['no port', [], /maps no port but the service listens on 8080/],
    ['two ports', [{ containerPort: 8080 }, { containerPort: 9090 }], /maps 8080, 9090 but/],
    [
      'the metrics port too',
      [{ containerPort: 8080 }, { containerPort: 9464 }],
      /maps 8080, 9464 but.*the metrics port 9464 needs no mapping/,
    ],
  ])('refuses a container that maps %s', (_, portMappings, message) => {
    const bad = template((td) => {
      td.containerDefinitions[0]!.portMappings = portMappings;
    });
    expect(() => renderTaskDefinition(bad, SAMPLE)).toThrow(message);
  });

  it('refuses a PORT that differs from the mapped port, and points at the wrong-port fault', () => {
    const bad = template((td) => {
      td.containerDefinitions[0]!.environment.push({ name: 'PORT', value: '9090' });
    });
    expect(() => renderTaskDefinition(bad, SAMPLE)).toThrow(
      /environment PORT: is "9090" but the container maps 8080.*flip the wrong-port fault/,
    );
  });

  it('refuses a METRICS_PORT other than the settings’ metrics port, and accepts that one', () => {
    const withMetricsPort = (value: string) =>
      template((td) => {
        td.containerDefinitions[0]!.environment.push({ name: 'METRICS_PORT', value });
      });
    expect(() => renderTaskDefinition(withMetricsPort('8080'), SAMPLE)).toThrow(
      /environment METRICS_PORT: is "8080" but the service's metrics port is 9464/,
    );
    expect(() => renderTaskDefinition(withMetricsPort('9464'), SAMPLE)).not.toThrow();
  });
});

function logOptions(td: EditableTaskDef): Record<string, string> {
  return (td.containerDefinitions[0]!.logConfiguration as { options: Record<string, string> }).options;
}
