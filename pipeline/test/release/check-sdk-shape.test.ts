import { RegisterTaskDefinitionRequest$ } from '@aws-sdk/client-ecs';
import { checkSdkShape } from '../../release/check-sdk-shape';

const check = (value: unknown): string[] => checkSdkShape(RegisterTaskDefinitionRequest$, value, 'td');
const minimal = { family: 'f', containerDefinitions: [{ name: 'app', image: 'i' }] };

describe('checkSdkShape against RegisterTaskDefinitionRequest', () => {
  it('accepts a minimal valid request', () => {
    expect(check(minimal)).toEqual([]);
  });

  it('reports missing required members', () => {
    expect(check({ containerDefinitions: [] })).toEqual(['td.family is required']);
  });

  it('reports an unknown member at any depth, with the allowed names', () => {
    const problems = check({
      ...minimal,
      containerDefinitions: [{ name: 'app', image: 'i', healthcheck: { command: ['CMD', 'true'] } }],
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^td\.containerDefinitions\[0\]\.healthcheck is not a field of ContainerDefinition; allowed: .*healthCheck/,
    );
  });

  it('reports wrong JSON types: ECS wants cpu as a string and ports as numbers', () => {
    expect(
      check({
        ...minimal,
        cpu: 256,
        containerDefinitions: [{ name: 'app', portMappings: [{ containerPort: '8080' }] }],
      }),
    ).toEqual([
      'td.containerDefinitions[0].portMappings[0].containerPort must be a number, got a string',
      'td.cpu must be a string, got a number',
    ]);
  });

  it('checks required members of nested structures and map values', () => {
    expect(
      check({
        ...minimal,
        containerDefinitions: [
          {
            name: 'app',
            healthCheck: { interval: 5 },
            logConfiguration: { logDriver: 'awslogs', options: { a: 1 } },
          },
        ],
      }),
    ).toEqual([
      'td.containerDefinitions[0].healthCheck.command is required',
      'td.containerDefinitions[0].logConfiguration.options.a must be a string, got a number',
    ]);
  });

  it('names an object given for a string in words a reader expects', () => {
    expect(check({ ...minimal, cpu: { units: 256 } })).toEqual(['td.cpu must be a string, got an object']);
  });

  it('reports a list given as a single value', () => {
    expect(check({ ...minimal, requiresCompatibilities: 'FARGATE' })).toEqual([
      'td.requiresCompatibilities must be an array, got a string',
    ]);
  });
});
