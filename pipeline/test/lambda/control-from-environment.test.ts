import { CodeDeployControl } from '../../lambda/deployment-control/codedeploy-control';
import { controlFromEnvironment } from '../../lambda/deployment-control/control-from-environment';
import { EcsControl } from '../../lambda/deployment-control/ecs-control';
import { REGION } from './fixtures';

const options = { listsDeployments: true, log: () => undefined };
const CODEDEPLOY_ENV = {
  DEPLOYMENT_CONTROLLER: 'codedeploy',
  APPLICATION_NAME: 'app',
  DEPLOYMENT_GROUP_NAME: 'group',
  AWS_REGION: REGION,
};
const ECS_ENV = { DEPLOYMENT_CONTROLLER: 'ecs', CLUSTER_ARN: 'c', SERVICE_NAME: 'svc', AWS_REGION: REGION };

describe('the controller a function runs under, from the environment the stack sets', () => {
  it.each([
    ['codedeploy', CODEDEPLOY_ENV, CodeDeployControl],
    ['ecs', ECS_ENV, EcsControl],
  ] as const)('%s gives that controller’s verbs', (name, env, kind) => {
    const control = controlFromEnvironment(env, options);
    expect(control).toBeInstanceOf(kind);
    expect(control.name).toBe(name);
  });

  it.each([
    [
      'a missing name',
      {},
      'DEPLOYMENT_CONTROLLER="" is not a deployment controller; the stack sets one of codedeploy, ecs',
    ],
    [
      'an unknown name',
      { DEPLOYMENT_CONTROLLER: 'CODE_DEPLOY' },
      'DEPLOYMENT_CONTROLLER="CODE_DEPLOY" is not a deployment controller',
    ],
    [
      'a CodeDeploy guard without its group',
      { ...CODEDEPLOY_ENV, DEPLOYMENT_GROUP_NAME: '' },
      'DEPLOYMENT_GROUP_NAME must be set under DEPLOYMENT_CONTROLLER=codedeploy',
    ],
    [
      'an ECS guard without its service',
      { ...ECS_ENV, SERVICE_NAME: undefined },
      'SERVICE_NAME must be set under DEPLOYMENT_CONTROLLER=ecs',
    ],
  ])('%s stops the cold start with an error naming the variable', (_name, env, message) => {
    expect(() => controlFromEnvironment(env, options)).toThrow(message);
  });

  it('a function that lists no deployments (the hook) needs only the name: ECS’s hook cannot name its service', () => {
    expect(
      controlFromEnvironment(
        { DEPLOYMENT_CONTROLLER: 'ecs', AWS_REGION: REGION },
        { ...options, listsDeployments: false },
      ),
    ).toBeInstanceOf(EcsControl);
  });
});
