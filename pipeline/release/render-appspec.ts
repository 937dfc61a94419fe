import { parseDocument, visit } from 'yaml';
import { fillPlaceholders } from './fill-placeholders';
import { APPSPEC_FILE, TASK_DEFINITION_PLACEHOLDER } from '../../contract/release-file-names';
import { ReleaseInputError } from './release-input-error';
import type { ReleaseVariables } from './release-variables';

/** The parts of an ECS AppSpec the release depends on. */
export interface EcsAppSpec {
  readonly version: number;
  readonly Resources: readonly [
    {
      readonly TargetService: {
        readonly Type: 'AWS::ECS::Service';
        readonly Properties: {
          readonly TaskDefinition: string;
          readonly LoadBalancerInfo: { readonly ContainerName: string; readonly ContainerPort: number };
          readonly PlatformVersion?: string;
        };
      };
    },
  ];
  readonly Hooks?: readonly Readonly<Record<string, string>>[];
}

/** The lifecycle events CodeDeploy runs hooks for in an ECS deployment. */
const ECS_HOOK_EVENTS = [
  'BeforeInstall',
  'AfterInstall',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
] as const;

const fail = (path: string, message: string): never => {
  throw new ReleaseInputError(`${APPSPEC_FILE} ${path}`, message);
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Checks the structure CodeDeploy needs for an ECS deployment and returns it typed. */
export function checkEcsAppSpec(value: unknown): EcsAppSpec {
  if (!isRecord(value)) return fail('', 'must be a YAML mapping');
  if (value.version !== 0) fail('version', 'must be 0.0 (the only AppSpec version)');
  const resources = value.Resources;
  if (!Array.isArray(resources) || resources.length !== 1) {
    return fail('Resources', 'must list exactly one TargetService');
  }
  const target: unknown = isRecord(resources[0]) ? resources[0].TargetService : undefined;
  if (!isRecord(target) || target.Type !== 'AWS::ECS::Service') {
    return fail('Resources[0].TargetService.Type', 'must be AWS::ECS::Service');
  }
  const props = target.Properties;
  if (!isRecord(props)) return fail('Resources[0].TargetService.Properties', 'is missing');
  if (props.TaskDefinition !== TASK_DEFINITION_PLACEHOLDER) {
    fail(
      'TaskDefinition',
      `must be "${TASK_DEFINITION_PLACEHOLDER}" so CodeDeploy uses the revision this release registers`,
    );
  }
  const lb = props.LoadBalancerInfo;
  if (!isRecord(lb) || typeof lb.ContainerName !== 'string' || !Number.isInteger(lb.ContainerPort)) {
    fail('LoadBalancerInfo', 'needs ContainerName (a string) and ContainerPort (an integer)');
  }
  const hooks = value.Hooks;
  if (hooks !== undefined) {
    if (!Array.isArray(hooks)) return fail('Hooks', 'must be a list of "<event>: <function name>" entries');
    hooks.forEach((hook, i) => {
      const entries = isRecord(hook) ? Object.entries(hook) : [];
      const [event, fn] = entries[0] ?? [];
      if (entries.length !== 1 || !ECS_HOOK_EVENTS.includes(event as never) || typeof fn !== 'string') {
        fail(
          `Hooks[${i}]`,
          `must be one "<event>: <function name>" with event one of ${ECS_HOOK_EVENTS.join(', ')}`,
        );
      }
    });
  }
  return value as unknown as EcsAppSpec;
}

/** How many values (comments aside) contain the task definition placeholder. */
function placeholderUses(value: unknown): number {
  if (typeof value === 'string') return value.split(TASK_DEFINITION_PLACEHOLDER).length - 1;
  if (Array.isArray(value)) return value.reduce((n: number, item) => n + placeholderUses(item), 0);
  if (isRecord(value)) {
    return Object.entries(value).reduce((n, [k, v]) => n + placeholderUses(k) + placeholderUses(v), 0);
  }
  return 0;
}

/**
 * Renders `appspec.yml`: fills any `{{VARIABLE}}` placeholders and checks the ECS AppSpec structure.
 * The YAML document is edited in place rather than re-serialised, so `version: 0.0` and the comments stay
 * as written.
 */
export function renderAppSpec(
  templateText: string,
  vars: ReleaseVariables,
): { text: string; appSpec: EcsAppSpec } {
  const doc = parseDocument(templateText, { prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ReleaseInputError(
      APPSPEC_FILE,
      `is not valid YAML: ${doc.errors.map((e) => e.message).join('; ')}`,
    );
  }
  const uses = placeholderUses(doc.toJS());
  if (uses > 1) {
    // CodePipeline's deploy action puts the registered revision's ARN where the placeholder is; anywhere
    // else (a hook's function name, a platform version) that ARN would be nonsense.
    throw new ReleaseInputError(
      APPSPEC_FILE,
      `writes ${TASK_DEFINITION_PLACEHOLDER} ${uses} times; write it once, as Resources[0].TargetService.Properties.TaskDefinition`,
    );
  }
  const appSpec = checkEcsAppSpec(fillPlaceholders(doc.toJS(), vars, APPSPEC_FILE));
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string') node.value = fillPlaceholders(node.value, vars, APPSPEC_FILE);
    },
  });
  return { text: doc.toString(), appSpec };
}
