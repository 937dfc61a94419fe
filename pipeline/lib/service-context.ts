import { DEPLOYMENT_CONFIG_FULL_NAMES } from '../../contract/deployment-configs';
import {
  DEFAULT_CONTROLLER,
  DEPLOYMENT_CONTROLLERS,
  type DeploymentControllerName,
} from '../../contract/native-strategies';
import { settings } from '../../contract/settings';
import { GATE_SETTING_HELP, parseGate, type ReleaseGate } from './release-gate';

/** The full name of one of CodeDeploy's predefined ECS configurations (see contract/deployment-configs.ts). */
export type EcsDeploymentConfigName = string;

/** The service stack's deploy-time choices, after validation. */
export interface ServiceContext {
  readonly controller: DeploymentControllerName;
  readonly deploymentConfig: EcsDeploymentConfigName;
  readonly desiredCount: number;
  readonly alarmEmail?: string;
  readonly testListenerCidr?: string;
  readonly certificateArn?: string;
  readonly appVersion: string;
  readonly gate?: ReleaseGate;
}

/** Context keys, their defaults and meaning; docs/deploy.md's table is written from the same list. */
export const CONTEXT_KEYS = {
  controller: `who runs blue/green: codedeploy (CodeDeploy, CODE_DEPLOY controller) or ecs (ECS itself) (default ${DEFAULT_CONTROLLER})`,
  deploymentConfig: `a predefined CodeDeploy ECS configuration (default ${settings.deployment.defaultConfig}); the CodeDeployDefault. prefix is optional`,
  desiredCount: `tasks in the service (default ${settings.ecs.desiredCount})`,
  alarmEmail: 'e-mail address subscribed to failed and rolled-back deployments (default: none)',
  testListenerCidr:
    'IPv4 CIDR that may also reach the test listener, e.g. 203.0.113.7/32 (default: only the hook)',
  certificateArn: 'ACM certificate ARN: production listener on HTTPS, HTTP redirects (default: HTTP only)',
  appVersion: 'APP_VERSION of the initial task definition (default "initial"); releases set the commit',
  gate: GATE_SETTING_HELP,
} as const;

/**
 * Validates the app's context values. Only the entry file (and the tests' stack builder) call this, with
 * `app.node.tryGetContext`; everything below takes the typed result.
 */
export function parseServiceContext(get: (key: keyof typeof CONTEXT_KEYS) => unknown): ServiceContext {
  const controller = parseController(get('controller'));
  const gate = parseGate(get('gate'), controller);
  const deploymentConfig = parseDeploymentConfig(get('deploymentConfig'));
  const desiredCount = parseCount(get('desiredCount'));
  const alarmEmail = optionalString(
    get('alarmEmail'),
    'alarmEmail',
    /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
    'an e-mail address',
  );
  const testListenerCidr = optionalString(
    get('testListenerCidr'),
    'testListenerCidr',
    /^(\d{1,3}\.){3}\d{1,3}\/(\d|[12]\d|3[0-2])$/,
    'an IPv4 CIDR such as 203.0.113.7/32',
  );
  const certificateArn = optionalString(
    get('certificateArn'),
    'certificateArn',
    /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/,
    'an ACM certificate ARN',
  );
  const appVersion =
    optionalString(get('appVersion'), 'appVersion', /^[\w.\-+]{1,128}$/, 'letters, digits, . - + _') ??
    'initial';
  return {
    controller,
    deploymentConfig,
    desiredCount,
    appVersion,
    ...(alarmEmail === undefined ? {} : { alarmEmail }),
    ...(testListenerCidr === undefined ? {} : { testListenerCidr }),
    ...(certificateArn === undefined ? {} : { certificateArn }),
    ...(gate === undefined ? {} : { gate }),
  };
}

function parseController(raw: unknown): DeploymentControllerName {
  if (raw === undefined || raw === null || raw === '') return DEFAULT_CONTROLLER;
  const found = DEPLOYMENT_CONTROLLERS.find((name) => name === raw);
  if (found === undefined) {
    throw new Error(
      `context controller=${JSON.stringify(raw)} is not a deployment controller; use one of ${DEPLOYMENT_CONTROLLERS.join(', ')}`,
    );
  }
  return found;
}

function parseDeploymentConfig(raw: unknown): EcsDeploymentConfigName {
  if (raw === undefined || raw === null || raw === '') return settings.deployment.defaultConfig;
  const name = typeof raw === 'string' ? raw : JSON.stringify(raw);
  const full = name.startsWith('CodeDeployDefault.') ? name : `CodeDeployDefault.${name}`;
  if (!DEPLOYMENT_CONFIG_FULL_NAMES.includes(full)) {
    throw new Error(
      `context deploymentConfig=${JSON.stringify(name)} is not a predefined ECS deployment configuration; use one of ${DEPLOYMENT_CONFIG_FULL_NAMES.join(', ')}`,
    );
  }
  return full;
}

function parseCount(raw: unknown): number {
  if (raw === undefined || raw === null || raw === '') return settings.ecs.desiredCount;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 10) {
    throw new Error(`context desiredCount=${JSON.stringify(raw)} must be a whole number from 1 to 10`);
  }
  return value;
}

function optionalString(raw: unknown, key: string, pattern: RegExp, allowed: string): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const value = typeof raw === 'string' ? raw : JSON.stringify(raw);
  if (!pattern.test(value))
    throw new Error(`context ${key}=${JSON.stringify(value)} is not valid; expected ${allowed}`);
  return value;
}
