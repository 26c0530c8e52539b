/**
 * Everything stateful, deployed first and on its own: the tables, the customer-managed KMS key,
 * the secrets it encrypts and the image repositories. All of it is retained when the stack goes.
 */
import { CfnParameter, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib'
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb'
import { Repository, TagMutability } from 'aws-cdk-lib/aws-ecr'
import { Key } from 'aws-cdk-lib/aws-kms'
import { Secret } from 'aws-cdk-lib/aws-secretsmanager'
import type { Construct } from 'constructs'
import type { TableDefinition } from '@gatehouse/dynamo'
import type { Stage } from './stage.ts'
import { defineTables } from './tables.ts'

export const SERVICE_NAMES = ['gateway', 'identity', 'token'] as const
export type ServiceName = (typeof SERVICE_NAMES)[number]

/**
 * What each secret holds (the variable the service reads). Values are put in by the key CLI and by
 * hand (docs/deploy.md, "Secrets and key rotation"); the stack creates them empty of meaning.
 */
export const SECRETS = {
  signingKeys: 'SIGNING_KEYS',
  mfaEncryptionKeys: 'MFA_ENCRYPTION_KEYS',
  serviceClients: 'SERVICE_CLIENTS',
  introspectionClients: 'INTROSPECTION_CLIENTS',
  gatewayClientSecret: 'INTERNAL_CLIENT_SECRET',
  authorizerClientSecret: 'INTROSPECTION_CLIENT_SECRET',
  smtpUrl: 'SMTP_URL',
} as const
export type SecretName = keyof typeof SECRETS

export interface DataStackProps extends StackProps { stage: Stage }

export class DataStack extends Stack {
  readonly tables: Map<TableDefinition['name'], TableV2>
  /** Encrypts the signing keys, the second-factor keys, every other secret and the Lambda environments. */
  readonly key: Key
  readonly secrets: Record<SecretName, Secret>
  readonly repositories: Record<ServiceName, Repository>

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props)
    this.tables = defineTables(this, props.stage.tablePrefix)
    this.key = new Key(this, 'SecretsKey', {
      alias: `alias/gatehouse-${props.stage.name}-secrets`,
      description: 'gatehouse: signing keys, second-factor keys, service credentials',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    })
    const secrets: Partial<Record<SecretName, Secret>> = {}
    for (const [name, variable] of Object.entries(SECRETS) as [SecretName, string][]) {
      secrets[name] = new Secret(this, `${name[0]!.toUpperCase()}${name.slice(1)}Secret`, {
        secretName: `gatehouse/${props.stage.name}/${name}`,
        description: `gatehouse ${variable}`,
        encryptionKey: this.key,
        removalPolicy: RemovalPolicy.RETAIN,
      })
    }
    this.secrets = secrets as Record<SecretName, Secret>
    const repositories: Partial<Record<ServiceName, Repository>> = {}
    for (const service of SERVICE_NAMES) {
      repositories[service] = new Repository(this, `${service}Images`, {
        repositoryName: `gatehouse-${props.stage.name}/${service}`,
        // Deploys name an image by its git SHA; an immutable tag cannot be re-pointed behind a deploy.
        imageTagMutability: TagMutability.IMMUTABLE,
        imageScanOnPush: true,
        removalPolicy: RemovalPolicy.RETAIN,
        lifecycleRules: [{ description: 'keep the last 50 images (rollback targets)', maxImageCount: 50 }],
      })
    }
    this.repositories = repositories as Record<ServiceName, Repository>
  }
}

/**
 * A number the deployer raises after putting a new secret version (`GATEHOUSE_CONFIG_REVISION`):
 * it changes the functions' and tasks' configuration, so CloudFormation resolves the secrets again
 * and the new values go out through the canary / rolling deployment like any other change.
 */
export function configRevision(stack: Stack): string {
  return new CfnParameter(stack, 'ConfigRevision', { type: 'String', default: '1', allowedPattern: '^[0-9]{1,9}$', description: 'raise after rotating a secret' }).valueAsString
}
