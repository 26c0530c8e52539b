import { parseArgs } from 'node:util'
import { createAdminClient } from './admin-client.ts'

export const USAGE = `usage: npm run admin -- <command> [options]

  find --email <address> --reason <why>        a user by (normalised) email
  signups --reason <why> [--limit N] [--cursor C]   every user, newest sign-up first, a page at a time
  show --user <id> --reason <why>              profile, disabled state, sessions, recent activity
  activity --user <id> --reason <why> [--limit N] [--cursor C]
  sessions --user <id> --reason <why> [--limit N] [--cursor C]   active sessions, newest first, a page at a time
  disable --user <id> --reason <why>           refuse sign-in, then end every session
  enable --user <id> --reason <why>
  force-reset --user <id> --reason <why>       mail a password-reset link, then end every session
  remove-factor --user <id> --reason <why>     remove TOTP and recovery codes (mails a notice)
  remove-passkey --user <id> --passkey=<id> --reason <why>   remove one passkey (mails a notice; ids may start with -)
  mark-verified --user <id> --reason <why>     mark the current email address verified (open sessions say so at their next refresh)
  delete --user <id> --reason <why>            erase the account (as self-service deletion), end every session
  revoke-sessions --user <id> --reason <why>   end every session
  revoke-session --user <id> --session <id> --reason <why>
  openapi                                      the admin API's OpenAPI document

Environment: GATEHOUSE_ADMIN_CLIENT_ID, GATEHOUSE_ADMIN_CLIENT_SECRET (an ADMIN_CLIENTS entry),
GATEHOUSE_ADMIN_IDENTITY_URL (http://127.0.0.1:3001), GATEHOUSE_ADMIN_TOKEN_URL (http://127.0.0.1:3002),
GATEHOUSE_ADMIN_TIMEOUT_SECONDS (10). npm start prints them for its stack.`

export class UsageError extends Error {}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`--${flag} is required\n\n${USAGE}`)
  return value
}

/** Runs one admin command; returns what to print (JSON). */
export async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { email: { type: 'string' }, user: { type: 'string' }, passkey: { type: 'string' }, session: { type: 'string' }, reason: { type: 'string' }, limit: { type: 'string' }, cursor: { type: 'string' } },
  })
  const [command] = positionals
  if (command === undefined || command === 'help' || positionals.length !== 1) throw new UsageError(USAGE)
  const timeout = Number(env['GATEHOUSE_ADMIN_TIMEOUT_SECONDS'] ?? 10)
  if (!(timeout > 0)) throw new UsageError('GATEHOUSE_ADMIN_TIMEOUT_SECONDS must be a positive number')
  const client = createAdminClient({
    identityUrl: env['GATEHOUSE_ADMIN_IDENTITY_URL'] ?? 'http://127.0.0.1:3001',
    tokenUrl: env['GATEHOUSE_ADMIN_TOKEN_URL'] ?? 'http://127.0.0.1:3002',
    clientId: required(env['GATEHOUSE_ADMIN_CLIENT_ID'], 'GATEHOUSE_ADMIN_CLIENT_ID (environment)'),
    clientSecret: required(env['GATEHOUSE_ADMIN_CLIENT_SECRET'], 'GATEHOUSE_ADMIN_CLIENT_SECRET (environment)'),
    timeoutSeconds: timeout,
  })
  const out = (value: unknown): string => JSON.stringify(value, null, 2)
  if (command === 'openapi') return out(await client.openapi())
  const reason = required(values.reason, 'reason')
  if (command === 'signups') {
    return out(await client.signups(reason, { ...(values.limit === undefined ? {} : { limit: values.limit }), ...(values.cursor === undefined ? {} : { cursor: values.cursor }) }))
  }
  if (command === 'find') return out(await client.findByEmail(required(values.email, 'email'), reason))
  const user = required(values.user, 'user')
  const page = { ...(values.limit === undefined ? {} : { limit: values.limit }), ...(values.cursor === undefined ? {} : { cursor: values.cursor }) }
  switch (command) {
    case 'show': {
      const [profile, sessions, activity] = await Promise.all([client.user(user, reason), client.sessions(user, reason), client.activity(user, reason, { limit: '10' })])
      return out({ ...profile, sessions: sessions.sessions, ...(sessions.next === undefined ? {} : { moreSessions: sessions.next }), recentActivity: activity.events })
    }
    case 'activity': return out(await client.activity(user, reason, page))
    case 'sessions': return out(await client.sessions(user, reason, page))
    case 'disable': return out(await client.disable(user, reason))
    case 'enable': return out(await client.enable(user, reason))
    case 'force-reset':
      await client.forcePasswordReset(user, reason)
      return out({ resetMailed: true, sessionsEnded: true, userId: user })
    case 'remove-factor':
      await client.removeSecondFactor(user, reason)
      return out({ secondFactorRemoved: true, userId: user })
    case 'remove-passkey': {
      const passkey = required(values.passkey, 'passkey')
      await client.removePasskey(user, passkey, reason)
      return out({ passkeyRemoved: true, userId: user, passkeyId: passkey })
    }
    case 'mark-verified': return out(await client.markEmailVerified(user, reason))
    case 'delete':
      await client.deleteUser(user, reason)
      return out({ deleted: true, sessionsEnded: true, userId: user })
    case 'revoke-sessions':
      await client.revokeSessions(user, reason)
      return out({ revoked: 'all', userId: user })
    case 'revoke-session': {
      const session = required(values.session, 'session')
      await client.revokeSession(user, session, reason)
      return out({ revoked: session, userId: user })
    }
    default:
      throw new UsageError(`unknown command ${command}\n\n${USAGE}`)
  }
}
