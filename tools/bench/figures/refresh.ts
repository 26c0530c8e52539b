import { randomBytes, randomUUID } from 'node:crypto'
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb'
import { generateOpaqueToken, hashToken, sealWithToken } from '@gatehouse/crypto'
import { tableNames } from '@gatehouse/dynamo'
import { REFRESH_COOKIE, refreshFromSetCookie } from '../fixtures.ts'
import { httpLoad, loop, round, throughputFigure } from '../load.ts'
import { cpuDuring, ownCpuDuring } from '../processes.ts'
import type { BenchContext, Figure } from '../types.ts'
import { servicePids } from './cpu.ts'

const DAY = 86_400

/**
 * The writes of one rotation exactly as apps/token/src/repositories/token-transactions.ts makes
 * them: consume the old token (conditions on it), touch the session (conditions on it), put the
 * successor, in one TransactWriteItems. Each worker follows its own chain, as one browser does.
 */
async function rawTransactions(ctx: BenchContext): Promise<Awaited<ReturnType<typeof loop>>> {
  const tables = tableNames(ctx.dynamo.prefix)
  const doc = ctx.dynamo.doc
  const sample = generateOpaqueToken()
  const sealed = sealWithToken(sample, generateOpaqueToken(), 'refresh-successor')
  const nowSec = Math.floor(Date.now() / 1000)
  const chains: Array<{ sessionId: string; userId: string; tokenHash: string }> = []
  for (let index = 0; index < ctx.connections; index++) {
    const sessionId = randomUUID()
    const userId = randomUUID()
    const tokenHash = hashToken(generateOpaqueToken())
    const iso = new Date().toISOString()
    await doc.send(new PutCommand({ TableName: tables.Sessions, Item: { sessionId, userId, scope: 'openid profile', createdAt: iso, lastUsedAt: iso, expiresAt: nowSec + 90 * DAY } }))
    await doc.send(new PutCommand({ TableName: tables.RefreshTokens, Item: { tokenHash, sessionId, userId, scope: 'openid profile', issuedAt: iso, expiresAt: nowSec + 30 * DAY, sessionExpiresAt: nowSec + 90 * DAY } }))
    chains.push({ sessionId, userId, tokenHash })
  }
  return loop(async (worker) => {
    const chain = chains[worker] as (typeof chains)[number]
    const now = new Date()
    const sec = Math.floor(now.getTime() / 1000)
    const successorHash = hashToken(randomBytes(32).toString('base64url'))
    await doc.send(new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: tables.RefreshTokens,
            Key: { tokenHash: chain.tokenHash },
            UpdateExpression: 'SET consumedAt = :now, successorHash = :successorHash, successorSealed = :sealed',
            ConditionExpression: 'attribute_exists(tokenHash) AND attribute_not_exists(consumedAt) AND attribute_not_exists(revokedAt) AND expiresAt > :nowSec',
            ExpressionAttributeValues: { ':now': now.toISOString(), ':successorHash': successorHash, ':sealed': sealed, ':nowSec': sec },
          },
        },
        {
          Update: {
            TableName: tables.Sessions,
            Key: { sessionId: chain.sessionId },
            UpdateExpression: 'SET lastUsedAt = :now, #userAgent = :userAgent, #ip = :ip',
            ConditionExpression: 'attribute_exists(sessionId) AND attribute_not_exists(revokedAt) AND expiresAt > :nowSec',
            ExpressionAttributeNames: { '#userAgent': 'userAgent', '#ip': 'ip' },
            ExpressionAttributeValues: { ':now': now.toISOString(), ':nowSec': sec, ':userAgent': 'autocannon', ':ip': '127.0.0.1' },
          },
        },
        {
          Put: {
            TableName: tables.RefreshTokens,
            Item: { tokenHash: successorHash, sessionId: chain.sessionId, userId: chain.userId, scope: 'openid profile', issuedAt: now.toISOString(), expiresAt: sec + 30 * DAY, sessionExpiresAt: sec + 90 * DAY },
            ConditionExpression: 'attribute_not_exists(tokenHash)',
          },
        },
      ],
    }))
    chain.tokenHash = successorHash
  }, ctx.connections, ctx.durationSec)
}

/**
 * POST /auth/refresh through the gateway. Every request presents a live refresh cookie and every
 * 200 hands back its successor, so each request is a real rotation (never a grace-window replay).
 * The same loads give the CPU figure: gateway + token CPU (from /proc) per rotation, beside what the
 * raw transaction alone costs its caller (this process, through the same SDK).
 */
export async function refreshFigure(ctx: BenchContext): Promise<{ figure: Figure; cpu: Figure }> {
  ctx.log(`refresh: raw TransactWriteItems (the rotation's three writes), ${ctx.connections} at a time`)
  const raw = await ownCpuDuring(() => rawTransactions(ctx))
  const live = ctx.refreshSessions.map((session) => session.refreshToken)
  ctx.log(`refresh: POST /auth/refresh through the gateway, ${ctx.connections} connections, ${live.length} sessions`)
  const { result: service, cpu } = await cpuDuring(servicePids(ctx, ['gateway', 'token']), () => httpLoad({
    url: `${ctx.stack.urls.gateway}/auth/refresh`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    connections: ctx.connections,
    durationSec: ctx.durationSec,
    setupRequest: (request) => ({ ...request, headers: { ...request.headers, cookie: `${REFRESH_COOKIE}=${live.shift() ?? 'none'}` } }),
    onResponse: (status, _body, headers) => {
      const successor = status === 200 ? refreshFromSetCookie(headers['set-cookie']) : undefined
      if (successor !== undefined) live.push(successor)
    },
  }))
  const per = (name: string): number => (cpu[name] as number) / Math.max(1, service.ok)
  const total = per('gateway') + per('token')
  const rawMs = raw.cpuMs / Math.max(1, raw.result.ok)
  return {
    figure: throughputFigure({
      id: 'refresh',
      title: 'refresh rotations/s through the gateway',
      service,
      baseline: raw.result,
      ratioOf: 'rotations/s ÷ raw transactions/s',
      goal: 'ratio ≥ 0.6',
      minRatio: 0.6,
    }),
    cpu: {
      id: 'cpu-refresh',
      title: 'CPU per refresh rotation (gateway + token)',
      measured: { cpuMs: round(total, 3), gatewayMs: round(per('gateway'), 3), tokenMs: round(per('token'), 3) },
      baseline: { rawTransactionMs: round(rawMs, 3) },
      ratio: total / rawMs,
      ratioOf: 'rotation CPU ÷ the raw transaction\'s CPU',
      goal: '≤ 2 ms',
      met: total <= 2,
      note: `over ${service.ok} rotations; the raw side is the caller's CPU for the one TransactWriteItems through the AWS SDK (no HTTP, no signing, no read)`,
    },
  }
}
