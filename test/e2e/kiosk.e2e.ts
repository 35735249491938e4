import fs from 'node:fs'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'

import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'

import { artifactsOnFailure, launchBrowser, shot } from './support/browser'
import { inProcessEnv } from './support/inProcess'
import { body } from '../support/fixtures'

/**
 * 惠民通 on a community terminal (1366 × 768, touch) against the Express app
 * on a fresh database with the demo street: the kiosk of 徐碧社区 loads,
 * rotates, opens an item inside itself and returns to the start when idle
 * (intervals shortened by its query parameters), counts its views apart from
 * readers, and, once its service worker is registered, keeps showing its
 * content with the network down and after a reload with the server stopped;
 * in a browser without service workers it keeps what it shows and retries.
 * Also the grid finder on a desktop (1366 px).
 */
const dataDir = inProcessEnv('kiosk')

type Mod = { payload: import('payload').Payload; server: import('node:http').Server; base: string }
let m: Mod
let browser: Browser
let serverClosed = false
const WIDTH = 1366
// A terminal's browser (headless chromium names itself as a bot, whose views are not counted).
const TERMINAL_UA = 'Mozilla/5.0 (Linux; Android 11; HMT-Kiosk) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'
const WATER_CUT = '12 月 3 日碧湖小区停水通知'
const FRESH = '徐碧新村 2 号楼电梯检修通知'

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const WCAG21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']

/** axe-core's violations on the page as shown: WCAG 2.1 A/AA, or the rules named (e.g. 7:1 contrast). */
async function axe(page: Page, rules?: string[]): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE })
  return page.evaluate(async (rules) => {
    const w = window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }
    const runOnly = rules.length ? { type: 'rule', values: rules } : { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }
    const result = await w.axe.run(document, { runOnly, resultTypes: ['violations'] })
    return result.violations.map((v) => `${v.id} @ ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`)
  }, rules ?? [])
}

const closeServer = async () => {
  if (serverClosed) return
  serverClosed = true
  m.server.closeAllConnections()
  await new Promise((r) => m.server.close(r))
}

beforeAll(async () => {
  const { initPayload } = await import('../../src/server/payload')
  const { createApp, listen } = await import('../../src/server/app')
  const { seedDemo } = await import('../../src/seed/demo')
  const payload = await initPayload()
  await seedDemo(payload)
  const server = await listen(payload, createApp(payload), 0, '127.0.0.1')
  m = { payload, server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
  browser = await launchBrowser()
})
afterEach((ctx) => artifactsOnFailure(browser, ctx))
afterAll(async () => {
  await browser?.close()
  if (m) {
    await closeServer()
    await m.payload.destroy?.()
  }
  fs.rmSync(dataDir, { recursive: true, force: true })
})

const terminal = async (): Promise<BrowserContext> => {
  const context = await browser.newContext({
    baseURL: m.base,
    viewport: { width: WIDTH, height: 768 },
    hasTouch: true,
    userAgent: TERMINAL_UA,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
  context.setDefaultTimeout(20_000)
  return context
}

const slideNumber = (page: Page) => page.evaluate(() => document.body.dataset.slide ?? '')
const visible = (page: Page, selector: string) => page.locator(selector).isVisible()

describe('the kiosk of a community terminal at 1366 px', () => {
  test('loads, rotates, opens an item inside itself and returns to the start when idle; views are counted apart from readers', async () => {
    const { flushKioskViews, kioskViewFigures } = await import('../../src/readership/kioskViews')
    const { readBuffer } = await import('../../src/readership/buffer')
    const context = await terminal()
    const page = await context.newPage()
    await page.goto('/kiosk?community=XB&rotate=1&idle=3')
    await page.getByRole('heading', { level: 1, name: '徐碧社区 · 惠民通' }).waitFor()
    const slides = await page.locator('.k-slide').count()
    expect(slides).toBeGreaterThan(1)
    // One slide at a time, the urgent water-cut notice first.
    expect(await page.locator('.k-slide.on').count()).toBe(1)
    expect(await page.locator('.k-slide').first().getAttribute('class')).toContain('urgent')
    expect(await page.locator('#k-notices .k-list').textContent()).toContain(WATER_CUT)
    await shot(page, 'kiosk-start-1366')
    const first = await slideNumber(page)
    await expect.poll(() => slideNumber(page), { timeout: 10_000 }).not.toBe(first)

    // The grids with their subscribe QR codes (each one loaded).
    await page.getByRole('link', { name: '扫码订阅' }).tap()
    await page.locator('#k-grids').waitFor({ state: 'visible' })
    expect(await visible(page, '#k-start')).toBe(false)
    expect(await page.locator('.k-nav a[aria-current="page"]').textContent()).toBe('扫码订阅')
    expect(await page.locator('.k-grid').count()).toBe(7)
    await expect.poll(() => page.locator('.k-grid img').evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).naturalWidth > 0))).toBe(true)
    expect(await page.locator('.k-grid img').first().getAttribute('src')).toBe('/kiosk/qr/XB-01.svg')
    await shot(page, 'kiosk-grids-1366')

    // A notice opens inside the kiosk; nothing leads out of it.
    await page.getByRole('link', { name: '通知公告' }).tap()
    await page.locator('#k-notices .k-row', { hasText: WATER_CUT }).tap()
    const item = page.locator('.k-item:target')
    await item.waitFor({ state: 'visible' })
    expect(await item.locator('h2').textContent()).toBe(WATER_CUT)
    expect(await item.locator('.k-text').textContent()).toContain('暂停供水')
    expect(new URL(page.url()).pathname).toBe('/kiosk')
    const external = await page.locator('a[href]').evaluateAll((links) => links.map((a) => a.getAttribute('href')).filter((h) => !h?.startsWith('#')))
    expect(external).toEqual([])
    await shot(page, 'kiosk-item-1366')

    // Nobody touches it: back to the start (idle=3 s here; a minute by default).
    await expect.poll(() => visible(page, '#k-start'), { timeout: 15_000 }).toBe(true)
    expect(await item.isVisible()).toBe(false)
    expect(new URL(page.url()).hash).toBe('#k-start')
    await shot(page, 'kiosk-idle-back-1366')

    // Counted for the terminals (a load and an opened item), never as a read.
    await readBuffer(m.payload).flush()
    expect((await m.payload.db.count({ collection: 'read-events' as never })).totalDocs).toBe(0)
    await expect
      .poll(
        async () => {
          await flushKioskViews(m.payload)
          const rows = await kioskViewFigures(m.payload, { community: 'XB' })
          return rows.reduce((n, r) => ({ load: n.load + r.load, open: n.open + r.open }), { load: 0, open: 0 })
        },
        { timeout: 10_000 },
      )
      .toEqual({ load: 1, open: 1 })
    await context.close()
  })
})

describe('the kiosk’s accessibility', () => {
  test(`axe-core finds no ${WCAG21_AA.join('/')} violation and text keeps 7:1 contrast, in every view`, async () => {
    const context = await browser.newContext({ baseURL: m.base, viewport: { width: WIDTH, height: 768 }, hasTouch: true, userAgent: TERMINAL_UA, bypassCSP: true })
    context.setDefaultTimeout(20_000)
    const page = await context.newPage()
    await page.goto('/kiosk?community=XB&rotate=600')
    await page.getByRole('heading', { level: 1, name: '徐碧社区 · 惠民通' }).waitFor()
    const found: string[] = []
    for (const view of ['#k-start', '#k-notices', '#k-events', '#k-grids']) {
      await page.evaluate((hash) => (location.hash = hash), view)
      await page.locator(view).waitFor({ state: 'visible' })
      for (const v of [...(await axe(page)), ...(await axe(page, ['color-contrast-enhanced']))]) found.push(`${view}: ${v}`)
    }
    await page.locator('#k-notices .k-row').first().evaluate((a) => (a as HTMLAnchorElement).click())
    await page.locator('.k-item:target').waitFor({ state: 'visible' })
    for (const v of [...(await axe(page)), ...(await axe(page, ['color-contrast-enhanced']))]) found.push(`item: ${v}`)
    expect(found).toEqual([])
    await context.close()
  })
})

describe('the grid finder at 1366 px', () => {
  test('finds 碧湖小区 3栋 in its grid and presets the subscription to it', async () => {
    const context = await browser.newContext({ baseURL: m.base, viewport: { width: WIDTH, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
    context.setDefaultTimeout(20_000)
    const page = await context.newPage()
    await page.goto('/subscribe')
    await page.locator('#q').fill('碧湖小区 3栋')
    const found = page.locator('#search-results a').first()
    await expect.poll(() => found.textContent()).toBe('碧湖小区3号楼 → XB-01 · 徐碧第1网格（徐碧社区）')
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(WIDTH)
    await shot(page, 'finder-1366')
    await found.click()
    await expect.poll(() => page.locator('#f-grid').inputValue()).toBe('XB-01')
    await context.close()
  })
})

describe('the kiosk in a browser without service workers', () => {
  test('keeps showing what it has when the server stops answering, and retries (every minute; every 5 s with ?refresh=5)', async () => {
    const context = await terminal()
    // A terminal's browser that has no service workers at all, from before the page's scripts run.
    await context.addInitScript(() => {
      delete (Navigator.prototype as unknown as Record<string, unknown>).serviceWorker
    })
    const page = await context.newPage()
    const navigations: string[] = []
    page.on('framenavigated', (f) => navigations.push(f.url()))
    await page.goto('/kiosk?community=XB&refresh=5')
    await page.getByRole('heading', { level: 1, name: '徐碧社区 · 惠民通' }).waitFor()
    expect(await page.evaluate(() => 'serviceWorker' in navigator)).toBe(false)
    const loaded = navigations.length

    // The server stops answering the page's refreshes: each one is refused at the network.
    const refused: number[] = []
    const kioskPage = (url: URL) => url.pathname === '/kiosk'
    await page.route(
      kioskPage,
      (route) => {
        refused.push(Date.now())
        return route.abort('connectionrefused')
      },
    )
    await expect.poll(() => page.evaluate(() => document.body.classList.contains('offline')), { timeout: 20_000 }).toBe(true)
    expect(await page.locator('#k-status').textContent()).toMatch(/^网络中断，正在显示 \d\d:\d\d 的内容，每分钟自动重试。$/)
    // What it had stays on the screen, without a reload.
    expect(await page.locator('#k-notices .k-list').textContent()).toContain(WATER_CUT)
    expect(await page.locator('.k-slide.on').isVisible()).toBe(true)
    expect(refused.length).toBeGreaterThanOrEqual(1)

    // It tries again on its own (the retry is min(a minute, refresh)), and keeps the content meanwhile.
    await expect.poll(() => refused.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2)
    expect(refused[1] - refused[0]).toBeGreaterThanOrEqual(4_000)
    expect(await page.evaluate(() => document.body.classList.contains('offline'))).toBe(true)
    expect(await page.locator('#k-notices .k-list').textContent()).toContain(WATER_CUT)
    await shot(page, 'kiosk-no-sw-offline-1366')

    // The server answers again: the next retry brings it back online, still without a reload.
    await page.unroute(kioskPage)
    await expect.poll(() => page.evaluate(() => document.body.classList.contains('offline')), { timeout: 20_000 }).toBe(false)
    expect(await page.locator('#k-status').textContent()).not.toContain('网络中断')
    expect(navigations.length).toBe(loaded)
    await context.close()
  })
})

describe('the kiosk without network', () => {
  test('registers its service worker, refreshes its content in place, keeps showing it offline, and after a reload with the server stopped', async () => {
    const context = await terminal()
    const page = await context.newPage()
    await page.goto('/kiosk?community=XB&refresh=5')
    await page.getByRole('heading', { level: 1, name: '徐碧社区 · 惠民通' }).waitFor()
    // Registered from our origin, in control of the kiosk only, and holding the page and what it shows.
    const worker = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.ready
      return { script: reg.active?.scriptURL, scope: reg.scope }
    })
    expect(worker).toEqual({ script: `${m.base}/kiosk-sw.js`, scope: `${m.base}/kiosk` })
    await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller)), { timeout: 15_000 }).toBe(true)
    const kept = () => page.evaluate(async () => (await (await caches.open('kiosk-v1')).keys()).map((r) => new URL(r.url).pathname))
    await expect.poll(async () => (await kept()).filter((p) => p === '/kiosk' || p.startsWith('/kiosk/qr/') || p.startsWith('/css/kiosk.css')).length, { timeout: 15_000 }).toBe(9)

    // New content arrives in place, without a reload, and is what the worker keeps.
    const navigations: string[] = []
    page.on('framenavigated', (f) => navigations.push(f.url()))
    const { docs } = await m.payload.find({ collection: 'grids', where: { code: { equals: 'XB-02' } }, limit: 1, overrideAccess: true })
    await m.payload.create({
      collection: 'announcements',
      data: { title: FRESH, grids: [docs[0].id], body: body('徐碧新村 2 号楼电梯明日 9:00 至 12:00 检修。'), urgent: true, _status: 'published' } as never,
      overrideAccess: true,
    })
    await expect.poll(() => page.locator('#k-notices .k-list').textContent(), { timeout: 30_000 }).toContain(FRESH)
    expect(navigations).toEqual([])

    // The network drops: the refresh fails, the content stays, the status says so.
    await context.setOffline(true)
    await expect.poll(() => page.evaluate(() => document.body.classList.contains('offline')), { timeout: 20_000 }).toBe(true)
    expect(await page.locator('#k-status').textContent()).toMatch(/^网络中断，正在显示 \d\d:\d\d 的内容，每分钟自动重试。$/)
    expect(await page.locator('.k-slide.on').isVisible()).toBe(true)
    await shot(page, 'kiosk-offline-1366')

    // The server is gone altogether: a reload still shows the kept content, with its stylesheet and QR codes.
    await closeServer()
    await context.setOffline(false)
    await page.reload()
    await page.getByRole('heading', { level: 1, name: '徐碧社区 · 惠民通' }).waitFor()
    expect(await page.locator('#k-notices .k-list').textContent()).toContain(WATER_CUT)
    expect(await page.locator('#k-notices .k-list').textContent()).toContain(FRESH)
    expect(await page.locator('.k-head').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(138, 28, 21)')
    await page.getByRole('link', { name: '扫码订阅' }).tap()
    await expect.poll(() => page.locator('.k-grid img').evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).naturalWidth > 0))).toBe(true)
    await shot(page, 'kiosk-server-stopped-1366')
    await context.close()
  })
})
