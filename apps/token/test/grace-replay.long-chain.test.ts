/**
 * Finding 7: a grace-window replay followed at most five rotations, then handed back a token
 * already used, which the client's next refresh turned into "reuse" and a revoked session. The
 * replay now returns the live successor, or an error that revokes nothing.
 */
import t from 'tap'
import { buildTestApp, introspect, issue, refresh } from './helper.ts'

t.test('a replay within the grace window past many rotations gets the live successor and revokes nothing', async (t) => {
  const { app, config } = await buildTestApp(t, 'grace-chain')
  const first = await issue(app)
  let live = first.refreshToken
  for (let i = 0; i < 8; i += 1) live = (await refresh(app, live)).json().refreshToken as string

  const replayed = await refresh(app, first.refreshToken)
  t.equal(replayed.statusCode, 200)
  t.equal(replayed.json().refreshToken, live, 'the newest successor, never a used one')
  const next = await refresh(app, replayed.json().refreshToken as string)
  t.equal(next.statusCode, 200, 'which then rotates normally: nothing counted as reuse')
  t.equal((await introspect(app, next.json().accessToken as string)).json().active, true, 'the session is alive')
  t.ok(config.REFRESH_GRACE_SECONDS > 0)
})
