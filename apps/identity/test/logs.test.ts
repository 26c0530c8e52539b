import t from 'tap'
import { Writable } from 'node:stream'
import pino from 'pino'
import { loggerOptions } from '@gatehouse/platform'
import { AUTH, CLIENT_SECRET, PASSWORD, buildTestApp, createUser, login, scanAll } from './helper.ts'

t.test('no password, hash or service secret reaches a log line or a response', async (t) => {
  let logged = ''
  const sink = new Writable({ write(chunk, _encoding, done) { logged += String(chunk); done() } })
  const logger = pino(loggerOptions('trace', 'identity'), sink)
  const { app, dynamo } = await buildTestApp(t, 'logs', { logger })

  const responses = [await createUser(app, 'quiet@example.com')]
  const { userId } = responses[0]!.json()
  responses.push(await login(app, 'quiet@example.com'))
  responses.push(await login(app, 'quiet@example.com', 'wrong-but-secret-1'))
  responses.push(await app.inject({ method: 'GET', url: `/v1/users/${userId}`, headers: AUTH }))
  responses.push(await app.inject({ method: 'POST', url: `/v1/users/${userId}/password`, headers: AUTH, payload: { currentPassword: PASSWORD, newPassword: 'fresh-secret-pass-5' } }))
  responses.push(await createUser(app, 'quiet@example.com', 'another-secret-pw-6'))

  const [user] = (await scanAll(dynamo, 'Users')).filter((item) => item['userId'] === userId)
  const hash = String(user?.['passwordHash'])
  t.ok(logged.length > 0, 'requests were logged')
  for (const secret of [PASSWORD, 'wrong-but-secret-1', 'fresh-secret-pass-5', 'another-secret-pw-6', hash, CLIENT_SECRET, AUTH.authorization.slice(6)]) {
    t.notOk(logged.includes(secret), 'secret absent from logs')
    for (const res of responses) t.notOk(res.body.includes(secret), 'secret absent from responses')
  }
  t.notMatch(logged, /\$2[aby]\$\d\d\$/, 'no bcrypt hash in logs')
})
