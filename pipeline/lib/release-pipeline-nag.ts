import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Flattens a resolved CloudFormation value the way cdk-nag names its findings: `{ Ref: X }` becomes `<X>`,
 * `{ Fn::GetAtt: [X, Arn] }` becomes `<X.Arn>`, joins are concatenated.
 */
function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (node !== null && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (Array.isArray(record['Fn::Join'])) {
      const [delimiter, items] = record['Fn::Join'] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if (record['Fn::Sub'] !== undefined) return flatten(record['Fn::Sub']);
    if (Array.isArray(record['Fn::GetAtt'])) {
      const [resource, attribute] = record['Fn::GetAtt'] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if (record['Fn::ImportValue'] !== undefined) return flatten(record['Fn::ImportValue']);
    if (record.Ref !== undefined) return `<${flatten(record.Ref)}>`;
  }
  return JSON.stringify(node);
}

/**
 * Acknowledges cdk-nag's AwsSolutions-IAM5 findings on `scope` and below, one per wildcard action or
 * resource. Resources are given as the same (possibly token) values the grant used, so the acknowledgement
 * follows logical IDs instead of copying them by hand.
 */
export function acknowledgeWildcards(
  scope: IConstruct,
  wildcards: { readonly actions?: readonly string[]; readonly resources?: readonly string[] },
  reason: string,
): void {
  const stack = Stack.of(scope);
  const findings = [
    ...(wildcards.actions ?? []).map((action) => `Action::${action}`),
    ...(wildcards.resources ?? []).map((resource) => `Resource::${flatten(stack.resolve(resource))}`),
  ];
  for (const finding of findings) {
    Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  }
}
