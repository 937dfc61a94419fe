import { Duration, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import type { DeploymentControllerName } from '../../contract/native-strategies';
import { settings } from '../../contract/settings';
import { AccessLogs } from './access-logs';
import { acknowledgeControl } from './control-tower';

/**
 * Priority of the rules ECS shifts under the native controller. Kept at 10 although no rule comes before
 * it any more: a stack update that rewrites these rules resets the weights ECS manages (aws-cdk#36649).
 * A rule a team adds below it must forward too (see {@link LoadBalancing}).
 */
export const TRAFFIC_RULE_PRIORITY = 10;

export interface LoadBalancingProps {
  readonly vpc: ec2.IVpc;
  /** Addresses that may reach the test listener besides the hook, e.g. an operator's /32. @default - only the hook */
  readonly testListenerCidr?: string;
  /** The hook's egress address (the NAT gateway's Elastic IP) as a /32 CIDR. */
  readonly hookEgressCidr: string;
  /** ACM certificate ARN for an HTTPS production listener. @default - HTTP only */
  readonly certificateArn?: string;
  /**
   * Who shifts traffic. `ecs` adds a forwarding rule to each listener, because native blue/green moves
   * listener-rule weights rather than default actions.
   * @default 'codedeploy'
   */
  readonly controller?: DeploymentControllerName;
}

/** The listener rules ECS moves weights on (native controller only). */
export interface TrafficRules {
  readonly production: elbv2.ApplicationListenerRule;
  readonly test: elbv2.ApplicationListenerRule;
}

/**
 * The internet-facing ALB with a production listener, a test listener, and the blue and green target
 * groups CodeDeploy swaps between. Health checks and draining come from the shared settings.
 *
 * Every rule and default action of the listeners the controller is given is a forward. ECS's native
 * blue/green fails a deployment whose ALB listener rules mix forward with non-forward actions (redirect,
 * fixed-response, authenticate): ECS Developer Guide, "Application Load Balancer resources for blue/green,
 * linear, and canary deployments", Limitations. The service's metrics need no rule to stay inside: they
 * are served on their own port, which no target group routes to. The one non-forward action, the port-80
 * redirect listener when a certificate is given, is a listener of its own that neither CodeDeploy nor ECS
 * is handed.
 */
export class LoadBalancing extends Construct {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly productionListener: elbv2.ApplicationListener;
  readonly testListener: elbv2.ApplicationListener;
  readonly blueTargetGroup: elbv2.ApplicationTargetGroup;
  readonly greenTargetGroup: elbv2.ApplicationTargetGroup;
  /** The bucket the ALB writes its access logs to. */
  readonly accessLogs: AccessLogs;
  /** The public URL of the production listener. */
  readonly productionUrl: string;
  /** The public URL of the test listener. */
  readonly testListenerUrl: string;
  /** The rules ECS shifts, when the native controller runs the releases. */
  readonly trafficRules?: TrafficRules;

  constructor(scope: Construct, id: string, props: LoadBalancingProps) {
    super(scope, id);
    const securityGroup = this.createSecurityGroup(props);
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc: props.vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroup,
      idleTimeout: Duration.seconds(settings.http.albIdleTimeoutSeconds),
      dropInvalidHeaderFields: true,
    });
    this.accessLogs = new AccessLogs(this, 'AccessLogs', { loadBalancer: this.loadBalancer });
    acknowledgeControl(
      this.loadBalancer,
      'CT.ELASTICLOADBALANCING.PR.5',
      'A rehearsal environment is torn down with cdk destroy when not in use; deletion protection would make that fail, and the ALB holds no state to lose.',
    );
    acknowledgeControl(
      this.loadBalancer,
      'CT.ELASTICLOADBALANCING.PR.1',
      'Without certificateArn there is no HTTPS listener to redirect to (with it, :80 redirects); the test listener is HTTP on purpose, reachable only from the hook and an optional context CIDR.',
    );

    this.blueTargetGroup = this.createTargetGroup('Blue', props.vpc);
    this.greenTargetGroup = this.createTargetGroup('Green', props.vpc);
    this.productionListener = this.createProductionListener(props.certificateArn);
    this.testListener = this.loadBalancer.addListener('TestListener', {
      port: settings.loadBalancer.testPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: false,
      defaultTargetGroups: [this.greenTargetGroup],
    });

    if (props.controller === 'ecs') this.trafficRules = this.createTrafficRules();

    const scheme = props.certificateArn === undefined ? 'http' : 'https';
    const port =
      props.certificateArn === undefined ? settings.loadBalancer.httpPort : settings.loadBalancer.httpsPort;
    this.productionUrl = `${scheme}://${this.loadBalancer.loadBalancerDnsName}:${port}`;
    this.testListenerUrl = `http://${this.loadBalancer.loadBalancerDnsName}:${settings.loadBalancer.testPort}`;
  }

  /**
   * One forwarding rule per listener for every path, over both target groups with blue at full weight:
   * ECS takes the rules' ARNs and moves their weights during a deployment (ECS Developer Guide,
   * "Application Load Balancer resources for blue/green, linear, and canary deployments"). The rule holds
   * nothing but a forward action, because a rule that mixes forward with fixed-response, redirect or
   * authentication actions fails the deployment.
   * The weights written here are only the starting point: see docs/deploy.md, "Choosing a controller",
   * for what a later stack update does to them (aws-cdk#36649).
   */
  private createTrafficRules(): TrafficRules {
    const rule = (id: string, listener: elbv2.ApplicationListener) =>
      new elbv2.ApplicationListenerRule(this, id, {
        listener,
        priority: TRAFFIC_RULE_PRIORITY,
        conditions: [elbv2.ListenerCondition.pathPatterns(['/*'])],
        action: elbv2.ListenerAction.weightedForward([
          { targetGroup: this.blueTargetGroup, weight: 100 },
          { targetGroup: this.greenTargetGroup, weight: 0 },
        ]),
      });
    return {
      production: rule('ProductionTrafficRule', this.productionListener),
      test: rule('TestTrafficRule', this.testListener),
    };
  }

  private createSecurityGroup(props: LoadBalancingProps): ec2.SecurityGroup {
    const group = new ec2.SecurityGroup(this, 'AlbSecurityGroup', {
      vpc: props.vpc,
      description: 'Production listener from anywhere; test listener from the hook and the allowed CIDR',
      allowAllOutbound: false,
    });
    group.addIngressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(settings.loadBalancer.httpPort),
      'production (HTTP)',
    );
    if (props.certificateArn !== undefined) {
      group.addIngressRule(
        ec2.Peer.anyIpv4(),
        ec2.Port.tcp(settings.loadBalancer.httpsPort),
        'production (HTTPS)',
      );
    }
    group.addIngressRule(
      ec2.Peer.ipv4(props.hookEgressCidr),
      ec2.Port.tcp(settings.loadBalancer.testPort),
      'test listener: the hook Lambda, through the NAT gateway',
    );
    if (props.testListenerCidr !== undefined) {
      group.addIngressRule(
        ec2.Peer.ipv4(props.testListenerCidr),
        ec2.Port.tcp(settings.loadBalancer.testPort),
        'test listener: allowed CIDR from context',
      );
    }
    Validations.of(group).acknowledge({
      id: 'AwsSolutions-EC23',
      reason:
        'The production listener is a public web endpoint by design; the test listener port is limited to the NAT address and the optional context CIDR.',
    });
    return group;
  }

  private createTargetGroup(color: string, vpc: ec2.IVpc): elbv2.ApplicationTargetGroup {
    const hc = settings.targetHealthCheck;
    return new elbv2.ApplicationTargetGroup(this, `${color}TargetGroup`, {
      vpc,
      targetType: elbv2.TargetType.IP,
      protocol: elbv2.ApplicationProtocol.HTTP,
      port: settings.container.port,
      deregistrationDelay: Duration.seconds(settings.deregistrationDelaySeconds),
      healthCheck: {
        path: settings.container.healthPath,
        interval: Duration.seconds(hc.intervalSeconds),
        timeout: Duration.seconds(hc.timeoutSeconds),
        healthyThresholdCount: hc.healthyThresholdCount,
        unhealthyThresholdCount: hc.unhealthyThresholdCount,
        healthyHttpCodes: hc.healthyHttpCodes,
      },
    });
  }

  private createProductionListener(certificateArn: string | undefined): elbv2.ApplicationListener {
    if (certificateArn === undefined) {
      return this.loadBalancer.addListener('ProductionListener', {
        port: settings.loadBalancer.httpPort,
        protocol: elbv2.ApplicationProtocol.HTTP,
        open: false,
        defaultTargetGroups: [this.blueTargetGroup],
      });
    }
    // A listener of its own, never handed to CodeDeploy or ECS: its redirect is the one non-forward action.
    this.loadBalancer.addListener('HttpRedirect', {
      port: settings.loadBalancer.httpPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: false,
      defaultAction: elbv2.ListenerAction.redirect({
        protocol: 'HTTPS',
        port: String(settings.loadBalancer.httpsPort),
        permanent: true,
      }),
    });
    return this.loadBalancer.addListener('ProductionListener', {
      port: settings.loadBalancer.httpsPort,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [elbv2.ListenerCertificate.fromArn(certificateArn)],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      open: false,
      defaultTargetGroups: [this.blueTargetGroup],
    });
  }
}
