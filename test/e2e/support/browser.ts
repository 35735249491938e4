import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from 'playwright-core'
import { inject, type TestContext } from 'vitest'

export const baseUrl = () => inject('baseUrl')

/** WeChat's in-app browser on Android (the X5/XWEB user agent residents open shared links in). */
export const WECHAT_UA =
  'Mozilla/5.0 (Linux; Android 13; V2183A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) ' +
  'Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160117 MMWEBSDK/20231202 MMWEBID/2253 ' +
  'MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64'
export const SHOTS = path.join(process.cwd(), 'test-results', 'e2e')

/** Debian's chromium from PATH (`npx playwright install` cannot work without the internet). */
function chromiumPath(): string {
  const found = execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim()
  if (!found) throw new Error('chromium not found on PATH: apt-get install chromium fonts-noto-cjk')
  return found
}

/**
 * One headless chromium per test file. Playwright gives each launch its own
 * fresh temporary profile; the flags keep it from calling out to any service.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** A staff member's desktop browser: Chinese locale, as in the street office. */
export async function staffContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL: baseUrl(),
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1366, height: 900 },
    ...options,
  })
  // Generous: the machine running CI may be busy; every wait is still for a real element.
  context.setDefaultTimeout(30_000)
  context.setDefaultNavigationTimeout(60_000)
  return context
}

/** A resident's phone: WeChat's in-app browser, touch, Chinese locale (390 × 844 unless `viewport` says otherwise). */
export async function wechatPhone(browser: Browser, options: BrowserContextOptions & { baseURL: string }): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    userAgent: WECHAT_UA,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...options,
  })
  context.setDefaultTimeout(20_000)
  return context
}

/** Save a full-page PNG under test-results/e2e/ (kept as a CI artifact). */
export async function shot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SHOTS, { recursive: true })
  const file = path.join(SHOTS, `${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  return file
}

/**
 * After a failed test, a screenshot and the HTML of every page still open
 * (named after the test), to see what the browser saw.
 */
export async function artifactsOnFailure(browser: Browser | undefined, ctx: TestContext): Promise<void> {
  if (!browser || ctx.task.result?.state !== 'fail') return
  const slug = `FAILED-${ctx.task.name.replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 60)}`
  fs.mkdirSync(SHOTS, { recursive: true })
  let n = 0
  for (const context of browser.contexts()) {
    for (const page of context.pages()) {
      n++
      await page.screenshot({ path: path.join(SHOTS, `${slug}-${n}.png`), fullPage: true }).catch(() => {})
      fs.writeFileSync(path.join(SHOTS, `${slug}-${n}.html`), await page.content().catch(() => ''))
    }
  }
}

export const DEMO = {
  admin: { email: 'admin@demo.street', password: 'demo-admin-2026' },
  editor: { email: 'editor@demo.street', password: 'demo-editor-2026' },
  leader1: { email: 'leader1@demo.street', password: 'demo-leader-2026' },
  leader2: { email: 'leader2@demo.street', password: 'demo-leader-2026' },
} as const

/** Log in through the admin's own form; admin pages render client-side, so wait for real elements. */
export async function login(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.goto('/admin/login')
  await page.locator('#field-email').fill(who.email)
  await page.locator('#field-password').fill(who.password)
  await page.locator('form button[type="submit"]').click()
  await page.waitForURL((url) => !url.pathname.startsWith('/admin/login'), { timeout: 60_000 })
  await page.locator('.dashboard, .template-default').first().waitFor()
}

/**
 * An init script standing in for the browser's push service, the one thing
 * e2e cannot reach (Chromium's is Google's): PushManager.subscribe answers
 * with `sub`, as the real one would, and refuses a call without an
 * application server key as the real one does. Everything else is real.
 */
export function stubPushManagerScript(sub: { endpoint: string; keys: { p256dh: string; auth: string } }): string {
  return `
  (() => {
    if (!('PushManager' in self)) return
    let current = null
    const make = () => ({ endpoint: ${JSON.stringify(sub.endpoint)}, expirationTime: null, options: { userVisibleOnly: true },
      toJSON() { return { endpoint: this.endpoint, expirationTime: null, keys: ${JSON.stringify(sub.keys)} } },
      unsubscribe: async () => { current = null; return true } })
    PushManager.prototype.subscribe = async function (options) {
      if (!options || !options.applicationServerKey) throw new DOMException('no key', 'InvalidAccessError')
      current = make()
      return current
    }
    PushManager.prototype.getSubscription = async function () { return current }
  })()`
}
