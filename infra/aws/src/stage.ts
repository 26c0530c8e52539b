/**
 * Where a synthesized app deploys. Synth never looks anything up (no credentials, no network):
 * the account and region are explicit, placeholders unless the pipeline sets them, and the
 * availability zones are named from the region rather than fetched.
 */
export interface Stage {
  /** `staging`, `prod`, …: part of every stack name. */
  name: string
  account: string
  region: string
  /** The services' TABLE_PREFIX, e.g. `prod-`. */
  tablePrefix: string
  /** Issuer and audience the token service stamps into access tokens and the authorizer checks. */
  issuer: string
  audience: string
  /** The outbox's From address. */
  mailFrom: string
}

/** A syntactically valid account nobody owns, so an offline synth can never be deployed by mistake. */
export const PLACEHOLDER_ACCOUNT = '000000000000'
export const PLACEHOLDER_REGION = 'eu-west-1'

export function stageFromEnv(env: NodeJS.ProcessEnv = process.env): Stage {
  const name = env['GATEHOUSE_STAGE'] ?? 'staging'
  if (!/^[a-z][a-z0-9-]{0,20}$/.test(name)) throw new Error('GATEHOUSE_STAGE: lower-case letters, digits and dashes, at most 21 characters')
  const account = env['GATEHOUSE_AWS_ACCOUNT'] ?? PLACEHOLDER_ACCOUNT
  if (!/^\d{12}$/.test(account)) throw new Error('GATEHOUSE_AWS_ACCOUNT: twelve digits')
  const region = env['GATEHOUSE_AWS_REGION'] ?? PLACEHOLDER_REGION
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new Error('GATEHOUSE_AWS_REGION: an AWS region such as eu-west-1')
  return {
    name,
    account,
    region,
    tablePrefix: `${name}-`,
    issuer: env['GATEHOUSE_ISSUER'] ?? `https://auth.${name}.example.com`,
    audience: env['GATEHOUSE_AUDIENCE'] ?? 'api',
    mailFrom: env['GATEHOUSE_MAIL_FROM'] ?? `gatehouse <no-reply@${name}.example.com>`,
  }
}

export const availabilityZones = (region: string): string[] => ['a', 'b', 'c'].map((zone) => `${region}${zone}`)
