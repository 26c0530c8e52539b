/**
 * The mail outbox worker as its own AWS Lambda (bundled to dist/apps/identity/mail-worker.mjs),
 * for the layout where identity runs with MAIL_WORKER=off. Invoke it on a schedule (EventBridge,
 * e.g. every minute) and, for prompt delivery, from the MailOutbox table's stream: each invocation
 * delivers everything due, then returns. The same outbox, resolvers and transport as the
 * in-process worker: it is built by the same buildIdentity, which is never listened on here.
 */
import { loadConfig } from '@gatehouse/platform'
import { buildIdentity } from './app.ts'
import { IdentityConfigSchema } from './config.ts'

const identity = await buildIdentity(loadConfig(IdentityConfigSchema, { ...process.env, MAIL_WORKER: 'on' }))
const worker = identity.mail.worker
if (worker === undefined) throw new Error('mail worker not built')

/** Delivers every due mail (bounded passes), so one invocation never runs past its timeout on a backlog. */
export async function handler(): Promise<{ handled: number }> {
  return { handled: await worker!.drain(20) }
}
