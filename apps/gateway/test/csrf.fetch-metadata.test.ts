/** Fetch Metadata as a second CSRF line beside Origin: a browser's own word that a request is cross-site is final. */
import t from 'tap'
import { JSON_HEADERS, gatewayWithFakes } from './helper.ts'

const ALLOWED = 'https://app.example.com'

t.test('the cookie endpoints refuse Sec-Fetch-Site cross-site, or same-site from another origin, whatever else the request carries', async (t) => {
  const { app, identity } = await gatewayWithFakes(t, { CORS_ORIGINS: ALLOWED })
  const login = (headers: Record<string, string>) => app.inject({
    method: 'POST', url: '/auth/login', headers: { ...JSON_HEADERS, ...headers }, payload: { email: 'a@example.com', password: 'some password' },
  })
  const variants: Record<string, string>[] = [
    { 'sec-fetch-site': 'cross-site' },
    { 'sec-fetch-site': 'cross-site', origin: ALLOWED },
    { 'sec-fetch-site': 'same-site' },
    { 'sec-fetch-site': 'same-site', origin: 'https://other.example.com' },
  ]
  for (const headers of variants) {
    const refused = await login(headers)
    t.equal(refused.statusCode, 403, JSON.stringify(headers))
    t.equal(refused.json().error.code, 'CSRF_REJECTED')
  }
  for (const url of ['/auth/refresh', '/auth/logout']) {
    t.equal((await app.inject({ method: 'POST', url, headers: { ...JSON_HEADERS, 'sec-fetch-site': 'cross-site' }, payload: {} })).statusCode, 403, url)
  }
  t.equal(identity.requests.length, 0, 'nothing reached identity')

  t.not((await login({ 'sec-fetch-site': 'same-origin' })).statusCode, 403, 'same-origin goes through')
  t.not((await login({ 'sec-fetch-site': 'same-site', origin: ALLOWED })).statusCode, 403, 'same-site from an allowed origin goes through')
  t.not((await login({ 'sec-fetch-site': 'none' })).statusCode, 403, 'a user typing the address goes through')
  t.not((await login({})).statusCode, 403, 'a client without Fetch Metadata (not a browser) goes through')
})
