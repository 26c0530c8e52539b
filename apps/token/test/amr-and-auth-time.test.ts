import t from 'tap'
import { buildTestApp, decodeJwtPart, introspect, issue, refresh } from './helper.ts'

t.test('amr and auth_time from the sign-in are in every access token of the session and in introspection', async (t) => {
  const { app } = await buildTestApp(t, 'amr')
  const authTime = Math.floor(Date.now() / 1000) - 20
  const pair = await issue(app, { amr: ['pwd', 'otp', 'mfa'], authTime: new Date(authTime * 1000).toISOString() })
  t.match(decodeJwtPart(pair.accessToken, 1), { amr: ['pwd', 'otp', 'mfa'], auth_time: authTime })
  t.match((await introspect(app, pair.accessToken)).json(), { active: true, amr: ['pwd', 'otp', 'mfa'], auth_time: authTime })

  const rotated = await refresh(app, pair.refreshToken)
  t.equal(rotated.statusCode, 200)
  const claims = decodeJwtPart(rotated.json().accessToken as string, 1)
  t.same({ amr: claims['amr'], auth_time: claims['auth_time'] }, { amr: ['pwd', 'otp', 'mfa'], auth_time: authTime }, 'a refresh is not a new sign-in')
})

t.test('without amr the token says nothing about the method; auth_time is the issue time', async (t) => {
  const { app } = await buildTestApp(t, 'amr-none')
  const pair = await issue(app)
  const claims = decodeJwtPart(pair.accessToken, 1)
  t.notOk('amr' in claims)
  t.equal(claims['auth_time'], claims['iat'])
})

t.test('a malformed amr is refused', async (t) => {
  const { app } = await buildTestApp(t, 'amr-bad')
  await t.rejects(issue(app, { amr: ['PWD; drop'] }), /issue failed: 400/)
  await t.rejects(issue(app, { amr: [] }), /issue failed: 400/)
})
