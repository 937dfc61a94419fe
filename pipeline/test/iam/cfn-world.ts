/**
 * The synthesized templates as CloudFormation would deploy them into one account and region: every
 * intrinsic function (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split, Fn::ImportValue across
 * stacks) is resolved to a concrete string, so IAM policies can be evaluated against real-looking ARNs.
 *
 * Names CloudFormation generates (roles, functions, log groups without a fixed name) follow its own
 * pattern `<stack>-<logical id>-<suffix>`: that is what makes a name-based policy such as
 * AWSCodeDeployRoleForECSLimited's `ECSTaskExecution*` miss them, exactly as it would in an account.
 */

/** A CloudFormation template as synthesized (only the parts the resolver reads). */
export interface CfnTemplate {
  readonly Resources: Readonly<Record<string, CfnResource>>;
  readonly Outputs?: Readonly<
    Record<string, { readonly Value: unknown; readonly Export?: { Name: unknown } }>
  >;
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
}

/** The account and region the stacks are imagined in. */
export interface CfnEnvironment {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
}

/** A resource found in one of the templates. */
export interface Located {
  readonly stack: string;
  readonly logicalId: string;
  readonly resource: CfnResource;
}

/** The property that fixes a resource's physical name, when the template sets it. */
const NAME_PROPERTY: Readonly<Record<string, string>> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::ECR::Repository': 'RepositoryName',
  'AWS::ECS::Cluster': 'ClusterName',
  'AWS::ECS::Service': 'ServiceName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::CodeDeploy::Application': 'ApplicationName',
  'AWS::CodeDeploy::DeploymentGroup': 'DeploymentGroupName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::Events::Rule': 'Name',
  'AWS::CodeBuild::Project': 'Name',
  'AWS::CodePipeline::Pipeline': 'Name',
};

/** Types whose Ref is the ARN rather than the name (CloudFormation resource reference, "Return values"). */
const REF_IS_ARN = new Set([
  'AWS::SNS::Topic',
  'AWS::ECS::Service',
  'AWS::ECS::TaskDefinition',
  'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::ElasticLoadBalancingV2::ListenerRule',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::ElasticLoadBalancingV2::TargetGroup',
  'AWS::CodeStarNotifications::NotificationRule',
]);

/** Resolves intrinsic functions across a set of stacks deployed to one environment. */
export class CfnWorld {
  constructor(
    readonly templates: Readonly<Record<string, CfnTemplate>>,
    readonly env: CfnEnvironment,
  ) {}

  /** Every resource of `type` in every stack. */
  resourcesOfType(type: string): Located[] {
    return Object.entries(this.templates).flatMap(([stack, template]) =>
      Object.entries(template.Resources)
        .filter(([, resource]) => resource.Type === type)
        .map(([logicalId, resource]) => ({ stack, logicalId, resource })),
    );
  }

  /** The resource a `{ Ref }` or `{ Fn::GetAtt }` value points at, in the stack that holds `value`. */
  target(stack: string, value: unknown): Located {
    const record = value as Record<string, unknown>;
    const logicalId =
      typeof record.Ref === 'string'
        ? record.Ref
        : Array.isArray(record['Fn::GetAtt'])
          ? String(record['Fn::GetAtt'][0])
          : undefined;
    const resource = logicalId === undefined ? undefined : this.templates[stack]?.Resources[logicalId];
    if (logicalId === undefined || resource === undefined) {
      throw new Error(`${stack}: ${JSON.stringify(value)} does not point at a resource of the stack`);
    }
    return { stack, logicalId, resource };
  }

  /** `value` with every intrinsic function replaced by the concrete value it has once deployed. */
  resolve(stack: string, value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(stack, item));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [key, argument] = entries[0] ?? [];
    if (entries.length !== 1 || key === undefined || !(key === 'Ref' || key.startsWith('Fn::'))) {
      return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(stack, v)]));
    }
    return this.intrinsic(stack, key, argument);
  }

  /** Like {@link resolve}, for values that must end up a string. */
  resolveString(stack: string, value: unknown): string {
    const resolved = this.resolve(stack, value);
    if (typeof resolved !== 'string') throw new Error(`${stack}: ${JSON.stringify(value)} is not a string`);
    return resolved;
  }

  private intrinsic(stack: string, fn: string, arg: unknown): unknown {
    switch (fn) {
      case 'Ref':
        return this.ref(stack, String(arg));
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = arg as [string, string];
        return this.getAtt(stack, logicalId, attribute);
      }
      case 'Fn::Join': {
        const [delimiter, items] = arg as [string, unknown[]];
        return (this.resolve(stack, items) as unknown[]).join(delimiter);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [number, unknown];
        return (this.resolve(stack, list) as unknown[])[Number(index)];
      }
      case 'Fn::Split': {
        const [delimiter, source] = arg as [string, unknown];
        return this.resolveString(stack, source).split(delimiter);
      }
      case 'Fn::Sub':
        return this.sub(stack, arg);
      case 'Fn::ImportValue':
        return this.importValue(this.resolveString(stack, arg));
      default:
        throw new Error(`${stack}: intrinsic ${fn} is not supported by the IAM contract resolver`);
    }
  }

  private sub(stack: string, arg: unknown): string {
    const [text, variables] = Array.isArray(arg)
      ? (arg as [string, Record<string, unknown>])
      : [String(arg), {}];
    return text.replace(/\$\{([^}!]+)\}/g, (_match, name: string) => {
      if (variables[name] !== undefined) return this.resolveString(stack, variables[name]);
      const [logicalId, attribute] = name.split('.', 2) as [string, string | undefined];
      return attribute === undefined
        ? String(this.ref(stack, logicalId))
        : this.getAtt(stack, logicalId, attribute);
    });
  }

  private importValue(name: string): unknown {
    for (const [stack, template] of Object.entries(this.templates)) {
      for (const output of Object.values(template.Outputs ?? {})) {
        if (output.Export !== undefined && this.resolve(stack, output.Export.Name) === name) {
          return this.resolve(stack, output.Value);
        }
      }
    }
    throw new Error(`Fn::ImportValue ${name}: no stack exports it`);
  }

  private ref(stack: string, logicalId: string): unknown {
    const pseudo: Record<string, unknown> = {
      'AWS::AccountId': this.env.account,
      'AWS::Region': this.env.region,
      'AWS::Partition': this.env.partition,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': stack,
    };
    if (logicalId in pseudo) return pseudo[logicalId];
    const resource = this.resourceOf(stack, logicalId);
    return REF_IS_ARN.has(resource.Type) ? this.arn(stack, logicalId) : this.physicalName(stack, logicalId);
  }

  private getAtt(stack: string, logicalId: string, attribute: string): string {
    if (attribute === 'Arn' || attribute === 'TopicArn') return this.arn(stack, logicalId);
    if (attribute === 'DNSName')
      return `${this.physicalName(stack, logicalId)}.${this.env.region}.elb.amazonaws.com`;
    if (/Name$/.test(attribute)) return this.physicalName(stack, logicalId);
    return `${logicalId}.${attribute}`;
  }

  private resourceOf(stack: string, logicalId: string): CfnResource {
    const resource = this.templates[stack]?.Resources[logicalId];
    if (resource === undefined) throw new Error(`${stack}: no resource ${logicalId}`);
    return resource;
  }

  /** The fixed name from the template, or the kind of name CloudFormation generates. */
  physicalName(stack: string, logicalId: string): string {
    const resource = this.resourceOf(stack, logicalId);
    const fixed = resource.Properties?.[NAME_PROPERTY[resource.Type] ?? ''];
    if (fixed !== undefined) return this.resolveString(stack, fixed);
    const generated = `${stack}-${logicalId.slice(0, 24)}-1A2B3C4D5E6F`;
    // S3 bucket and ECR repository names must be lower case, and CloudFormation generates them so.
    return ['AWS::S3::Bucket', 'AWS::ECR::Repository'].includes(resource.Type)
      ? generated.toLowerCase()
      : generated;
  }

  /** The ARN of a resource, in the format of the Service Authorization Reference's resource types. */
  arn(stack: string, logicalId: string): string {
    const { Type: type, Properties: props = {} } = this.resourceOf(stack, logicalId);
    const name = this.physicalName(stack, logicalId);
    const { partition, region, account } = this.env;
    const regional = (service: string, resource: string): string =>
      `arn:${partition}:${service}:${region}:${account}:${resource}`;
    const formats: Record<string, () => string> = {
      'AWS::IAM::Role': () => `arn:${partition}:iam::${account}:role/${name}`,
      'AWS::Lambda::Function': () => regional('lambda', `function:${name}`),
      'AWS::Logs::LogGroup': () => regional('logs', `log-group:${name}:*`),
      'AWS::SNS::Topic': () => regional('sns', name),
      'AWS::ECR::Repository': () => regional('ecr', `repository/${name}`),
      'AWS::ECS::Cluster': () => regional('ecs', `cluster/${name}`),
      'AWS::ECS::Service': () =>
        regional('ecs', `service/${this.resolveString(stack, props.Cluster)}/${name}`),
      'AWS::ECS::TaskDefinition': () =>
        regional('ecs', `task-definition/${this.resolveString(stack, props.Family)}:1`),
      'AWS::Events::Rule': () => regional('events', `rule/${name}`),
      'AWS::S3::Bucket': () => `arn:${partition}:s3:::${name}`,
      'AWS::KMS::Key': () => regional('kms', 'key/11111111-2222-3333-4444-555555555555'),
      'AWS::CodeBuild::Project': () => regional('codebuild', `project/${name}`),
      'AWS::CloudWatch::Alarm': () => regional('cloudwatch', `alarm:${name}`),
      'AWS::ElasticLoadBalancingV2::LoadBalancer': () =>
        regional('elasticloadbalancing', `loadbalancer/app/${name.slice(0, 32)}/0123456789abcdef`),
      'AWS::ElasticLoadBalancingV2::Listener': () =>
        regional('elasticloadbalancing', `listener/app/alb/0123456789abcdef/${hexOf(logicalId)}`),
      'AWS::ElasticLoadBalancingV2::TargetGroup': () =>
        regional('elasticloadbalancing', `targetgroup/${name.slice(0, 32)}/${hexOf(logicalId)}`),
      // listener-rule/app/<alb>/<alb id>/<listener id>/<rule id>, under the rule's own listener.
      'AWS::ElasticLoadBalancingV2::ListenerRule': () =>
        `${this.resolveString(stack, props.ListenerArn).replace(':listener/', ':listener-rule/')}/${hexOf(logicalId)}`,
    };
    const format = formats[type];
    if (format === undefined) throw new Error(`${stack}/${logicalId}: no ARN format for ${type}`);
    return format();
  }
}

/** A stable 16-digit hexadecimal id for a logical ID, standing in for the ids AWS assigns. */
function hexOf(text: string): string {
  let hash = 0x811c9dc5;
  for (const char of text) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0').repeat(2);
}
