/**
 * The VPC every function and task runs in, and Redis (ElastiCache) for the rate-limit counters
 * that several gateways must share (one gateway counting alone would multiply every limit).
 */
import { Stack, type StackProps } from 'aws-cdk-lib'
import { CfnSecurityGroupIngress, GatewayVpcEndpointAwsService, IpAddresses, SecurityGroup, SubnetType, Vpc, type ISecurityGroup } from 'aws-cdk-lib/aws-ec2'
import { CfnReplicationGroup, CfnSubnetGroup } from 'aws-cdk-lib/aws-elasticache'
import type { Construct } from 'constructs'
import { availabilityZones, type Stage } from './stage.ts'

export const REDIS_PORT = 6379

export interface NetworkStackProps extends StackProps { stage: Stage }

export class NetworkStack extends Stack {
  readonly vpc: Vpc
  /** Admits nobody by itself: each client stack adds its own rule with `allowRedisFrom`. */
  readonly redisServer: SecurityGroup
  readonly redisUrl: string

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props)
    this.vpc = new Vpc(this, 'Vpc', {
      ipAddresses: IpAddresses.cidr('10.40.0.0/16'),
      // Named, not looked up: synth needs no account access.
      availabilityZones: availabilityZones(props.stage.region),
      // One NAT per zone in production (a zone failure keeps its egress), one elsewhere.
      natGateways: props.stage.name === 'prod' ? 3 : 1,
      subnetConfiguration: [
        { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: 'isolated', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    })
    // DynamoDB traffic stays on the AWS network and costs no NAT.
    this.vpc.addGatewayEndpoint('DynamoDb', { service: GatewayVpcEndpointAwsService.DYNAMODB })

    const redisServer = new SecurityGroup(this, 'RedisServer', { vpc: this.vpc, description: 'the rate-limit Redis', allowAllOutbound: false })
    this.redisServer = redisServer
    const subnets = new CfnSubnetGroup(this, 'RedisSubnets', {
      description: 'gatehouse rate-limit Redis',
      subnetIds: this.vpc.isolatedSubnets.map((subnet) => subnet.subnetId),
    })
    const redis = new CfnReplicationGroup(this, 'Redis', {
      replicationGroupDescription: 'gatehouse rate-limit counters',
      engine: 'redis',
      engineVersion: '7.1',
      cacheNodeType: 'cache.t4g.small',
      numNodeGroups: 1,
      // A replica in another zone takes over on failure; counters lost in a failover only reset limits early.
      replicasPerNodeGroup: 1,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: true,
      cacheSubnetGroupName: subnets.ref,
      securityGroupIds: [redisServer.securityGroupId],
      port: REDIS_PORT,
    })
    this.redisUrl = `rediss://${redis.attrPrimaryEndPointAddress}:${REDIS_PORT}`
  }
}

/**
 * Lets `client` reach Redis. The rule lives in the client's stack, so the network stack (deployed
 * first) never depends on a stack that depends on it.
 */
export function allowRedisFrom(scope: Construct, id: string, network: NetworkStack, client: ISecurityGroup): void {
  new CfnSecurityGroupIngress(scope, id, {
    groupId: network.redisServer.securityGroupId,
    sourceSecurityGroupId: client.securityGroupId,
    ipProtocol: 'tcp',
    fromPort: REDIS_PORT,
    toPort: REDIS_PORT,
    description: 'rate-limit counters',
  })
}
