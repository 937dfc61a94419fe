import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

/**
 * Two Availability Zones: public subnets for the load balancer and one NAT gateway, private subnets with
 * egress for the tasks and the hook Lambda. The NAT gateway's Elastic IP is created here so the test
 * listener can admit exactly that address (the hook's traffic to the internet-facing ALB leaves through
 * it).
 */
export class Network extends Construct {
  readonly vpc: ec2.Vpc;
  /** The NAT gateway's public address, as a /32 CIDR. */
  readonly natEgressCidr: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const natEip = new ec2.CfnEIP(this, 'NatEip', { domain: 'vpc' });
    this.natEgressCidr = `${natEip.attrPublicIp}/32`;

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      // One NAT gateway, not one per AZ: a rehearsal environment trades AZ-independent egress for half
      // the NAT cost (see the cost paragraph in docs/deploy.md).
      natGateways: 1,
      natGatewayProvider: ec2.NatProvider.gateway({ eipAllocationIds: [natEip.attrAllocationId] }),
      subnetConfiguration: [
        // The public subnets hold only the ALB and the NAT gateway, which bring their own addresses: nothing
        // launched there needs a public IP by default.
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
      ],
    });
    Validations.of(this.vpc).acknowledge({
      id: 'AwsSolutions-VPC7',
      reason:
        'No VPC flow logs: a short-lived rehearsal environment whose traffic is ALB to tasks; ALB metrics and the task logs cover what a rehearsal needs, and flow logs would add ingestion cost.',
    });
  }
}
