/**
 * The browser tests' world: the hosted pages built into their own folder, DynamoDB Local and the
 * three services as separate processes configured as `npm start` does, and Debian's Chromium
 * driven by playwright-core (never a downloaded browser). Each test keeps its screenshots under
 * .tap/screenshots/; SCREENSHOTS_DIR=docs/screenshots refreshes the README's.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core'
import { createDynamoClients, createTables } from '@gatehouse/dynamo'
import { freePort } from '@gatehouse/dynamo-local'
import { localEnv, pagesUrl, startStack, type Stack } from '@gatehouse/stack'
import { buildWeb } from '../../build/web.ts'

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'
export const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
const root = join(import.meta.dirname, '..', '..', '..')
const screenshots = join(root, process.env['SCREENSHOTS_DIR'] ?? join('.tap', 'screenshots'))

export interface World {
  stack: Stack
  /** http://localhost:<gateway port>: the pages' origin (WebAuthn needs a name, not an IP). */
  origin: string
  browser: Browser
  logs: string[]
  newPage(): Promise<{ context: BrowserContext; page: Page; cspViolations: string[] }>
  /** A whole page, or one part of it (a section for the README). */
  shot(target: Page | Locator, name: string): Promise<void>
  stop(): Promise<void>
}

export interface WorldOptions {
  /** A real SMTP server's URL (startTestSmtpServer): identity's mail worker sends there. */
  smtpUrl?: string
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const endpoint = process.env['DYNAMODB_ENDPOINT']
  if (endpoint === undefined) throw new Error('run through npm test: DYNAMODB_ENDPOINT is not set')
  const webRoot = mkdtempSync(join(tmpdir(), 'gatehouse-web-'))
  await buildWeb(webRoot)
  const prefix = `pages-${randomBytes(4).toString('hex')}-`
  const clients = createDynamoClients({ endpoint })
  await createTables(clients.client, prefix)
  clients.destroy()
  const gatewayPort = await freePort()
  const logs: string[] = []
  const env = localEnv({ gatewayPort, webRoot })
  const stack = await startStack({
    dynamoEndpoint: endpoint,
    tablePrefix: prefix,
    bcryptCost: 4,
    ports: { gateway: gatewayPort },
    log: (line) => logs.push(line),
    ...(options.smtpUrl === undefined ? {} : { smtpUrl: options.smtpUrl }),
    env: { ...env, gateway: { ...env.gateway, RATE_LIMIT_LOGIN_PER_EMAIL: '1000', RATE_LIMIT_LOGIN_PER_IP: '1000' } },
  })
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true }).catch(async (error: unknown) => {
    await stack.stop()
    throw error
  })
  mkdirSync(screenshots, { recursive: true })
  return {
    stack,
    origin: pagesUrl(gatewayPort),
    browser,
    logs,
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 900, height: 1100 } })
      const page = await context.newPage()
      const cspViolations: string[] = []
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text())
      })
      return { context, page, cspViolations }
    },
    async shot(target, name) {
      const path = join(screenshots, `${name}.png`)
      await ('goto' in target ? target.screenshot({ path, fullPage: true }) : target.screenshot({ path }))
    },
    async stop() {
      await browser.close().catch(() => undefined)
      await stack.stop()
      rmSync(webRoot, { recursive: true, force: true })
    },
  }
}

/** The refresh cookie as the browser holds it (HttpOnly: no page script can see it). */
export async function refreshCookie(context: BrowserContext): Promise<string | undefined> {
  return (await context.cookies()).find((cookie) => cookie.name === 'gh_refresh')?.value
}

/** Chromium's virtual authenticator (CDP WebAuthn domain) on the page: resident keys, the user verified, presence simulated. */
export async function virtualAuthenticator(context: BrowserContext, page: Page) {
  const cdp = await context.newCDPSession(page)
  await cdp.send('WebAuthn.enable')
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  })
  return { credentials: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials }
}
