import http from 'node:http'
import type { AddressInfo } from 'node:net'

import type { Browser, Page } from 'playwright-core'
import type { Payload, PayloadRequest } from 'payload'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'

import { artifactsOnFailure, launchBrowser, shot, staffContext } from './support/browser'
import { closeInProcess, inProcessEnv } from './support/inProcess'

/**
 * The admin home per role and the readership table, in chromium, in this
 * process: the demo street on a fresh database, the home's data read with
 * each demo user's own access (HomeBody.tsx's homeData, as /admin does) and
 * its body drawn by the same components, served by a small page server here
 * with the subscribe QR codes (the Next admin build is not available in this
 * run). The editor's home at 1366 px, the grid leader's at 390 px, the
 * readership table as cards at 390 px: every card visible, no sideways scroll.
 */
const dataDir = inProcessEnv('homes', { SMTP_URL: '', MAIL_FROM: '', VAPID_PUBLIC_KEY: '', VAPID_PRIVATE_KEY: '', VAPID_SUBJECT: '', WECHAT_APP_ID: '', WECHAT_APP_SECRET: '' })

type Id = string | number
let payload: Payload
let server: http.Server
let base: string
let browser: Browser
let issueId: Id

/** The admin's colour tokens the cards use (Payload's theme sets them in the real admin). */
const THEME = `
:root { --theme-elevation-0: #fff; --theme-elevation-50: #f6f6f6; --theme-elevation-100: #ececec; --theme-elevation-150: #ddd;
  --theme-elevation-300: #bbb; --theme-elevation-500: #888; --theme-elevation-600: #666; --theme-elevation-700: #444; --theme-elevation-800: #222;
  --theme-error-500: #c62828; --theme-text: #222; --theme-input-bg: #fff; }
* { box-sizing: border-box; }
body { margin: 0; font-family: 'Noto Sans CJK SC', 'Noto Sans SC', sans-serif; color: var(--theme-text); }
.gutter { padding: 0 16px; }
@media (min-width: 1024px) { .gutter { padding: 0 60px; } }
`

const page = (body: string) =>
  `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><style>${THEME}</style></head><body><div class="gutter">${body}</div></body></html>`

async function requestAs(email: string): Promise<PayloadRequest> {
  const { docs } = await payload.find({ collection: 'users', where: { email: { equals: email } }, limit: 1, depth: 0, overrideAccess: true })
  return { payload, user: { ...docs[0], collection: 'users' }, context: {}, i18n: { language: 'zh' } } as unknown as PayloadRequest
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
  const url = new URL(req.url ?? '/', base)
  const { renderToStaticMarkup } = await import('react-dom/server')
  const qr = /^\/api\/grids\/([^/]+)\/share-qr\.svg$/.exec(url.pathname)
  if (qr) {
    const { qrSvg } = await import('../../src/templates/qr')
    const { subscribeLink } = await import('../../src/collections/GridsShare')
    res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(await qrSvg(subscribeLink(decodeURIComponent(qr[1]))))
    return
  }
  const as = url.searchParams.get('as') ?? ''
  const r = await requestAs(as)
  if (url.pathname === '/home') {
    const { HomeBody, homeData } = await import('../../src/components/HomeBody')
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(renderToStaticMarkup(HomeBody({ data: await homeData(r, 'zh') }))))
    return
  }
  if (url.pathname === '/readership') {
    const { dashboardData } = await import('../../src/readership/dashboard')
    const { Definitions, Headline, HEADLINE_CSS } = await import('../../src/components/ReadershipHeadline')
    const { ContentTable } = await import('../../src/components/ReadershipTables')
    const { READERSHIP_CSS } = await import('../../src/components/ReadershipStyles')
    const data = await dashboardData(payload, r, { contentType: 'issues', contentId: issueId, lang: 'zh' })
    const html = [Headline({ report: data.content!, lang: 'zh', latest: false }), Definitions({ lang: 'zh', k: data.minGroupSize }), ContentTable({ data, lang: 'zh' })].map((el) => renderToStaticMarkup(el))
    const body = `<div class="rs"><style>${READERSHIP_CSS}${HEADLINE_CSS}</style>${html.join('')}</div>`
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(body))
    return
  }
  res.writeHead(404).end()
}

beforeAll(async () => {
  const { initPayload } = await import('../../src/server/payload')
  const { seedDemo } = await import('../../src/seed/demo')
  const { t } = await import('../../src/i18n/messages')
  payload = await initPayload()
  await seedDemo(payload)
  // The demo issue, its figures in three grids, and deliveries an editor has to act on.
  const issue = (await payload.find({ collection: 'issues', where: { _status: { equals: 'published' } }, sort: '-number', limit: 1, depth: 0, overrideAccess: true })).docs[0]
  issueId = issue.id
  const grids = (await payload.find({ collection: 'grids', where: { code: { in: ['XB-01', 'XB-02', 'XB-03'] } }, sort: 'code', depth: 0, overrideAccess: true })).docs
  for (const [i, g] of grids.entries()) {
    for (const [channel, readers] of [['all', 40 + i * 25], ['messages', 30 + i * 20], ['email', 30 + i * 20]] as const) {
      await payload.create({
        collection: 'read-rollups',
        data: { key: `issues:${issue.id}:${g.id}:${channel}:2026-11-20`, contentType: 'issues', contentId: String(issue.id), grid: String(g.id), channel, day: '2026-11-20', submitted: 300 + i * 40, readers, reads: readers, opens: 0, openReaders: 0 } as never,
        overrideAccess: true,
      })
    }
  }
  for (const [channel, status, reason] of [['email', 'failed', t('delivery.reason.notConfigured.email')], ['webpush', 'paused', t('delivery.reason.pausedByEditor')]] as const) {
    await payload.create({
      collection: 'deliveries',
      data: { key: `e2e-home:${channel}`, title: issue.title, contentType: 'issues', contentId: String(issue.id), channel, audience: 'street', status, reason, total: 1234, submitted: 640 } as never,
      overrideAccess: true,
    })
  }
  server = http.createServer((req, res) => void handle(req, res).catch((err) => res.writeHead(500).end(String(err?.stack ?? err))))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  browser = await launchBrowser()
}, 240_000)
afterEach((ctx) => artifactsOnFailure(browser, ctx))
afterAll(() => closeInProcess(dataDir, { browser, server, payload }))

const noSidewaysScroll = (p: Page) => p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)

/** Every card is drawn, has a size, and lies within the window's width. */
async function cardsFit(p: Page, width: number) {
  const cards = p.locator('.home-card')
  const n = await cards.count()
  expect(n).toBeGreaterThan(2)
  for (let i = 0; i < n; i++) {
    const box = (await cards.nth(i).boundingBox())!
    expect(box.width, `card ${i}`).toBeGreaterThan(100)
    expect(box.x, `card ${i}`).toBeGreaterThanOrEqual(0)
    expect(box.x + box.width, `card ${i}`).toBeLessThanOrEqual(width)
  }
}

describe('the admin home per role', () => {
  test("the editor's home at 1366 px: review queue, deliveries with buttons, a plain line per content, write buttons", async () => {
    const context = await staffContext(browser, { baseURL: base, viewport: { width: 1366, height: 900 } })
    const p = await context.newPage()
    await p.goto('/home?as=editor@demo.street')
    await p.locator('#home-awaiting').waitFor()
    for (const id of ['#home-awaiting', '#home-deliveries', '#home-write', '#home-channels', '#home-results']) await expect(p.locator(id).isVisible()).resolves.toBe(true)
    expect(await p.locator('#home-deliveries [data-status="failed"] .home-reason').innerText()).toBe('邮件通道未配置，请联系管理员。')
    expect(await p.locator('#home-deliveries [data-status="paused"] button.home-resume').innerText()).toBe('继续发送')
    expect(await p.locator(`#home-results [data-content="issues:${issueId}"] .home-line`).innerText()).toMatch(/^已提交 1,020 人 · 阅读 195 人（阅读率 14\.7%）· 触达率 \d+\.\d%$/)
    expect(await p.locator('#home-write a').count()).toBe(4)
    expect(await p.locator('body').innerText()).not.toMatch(/SMTP_URL|MAIL_FROM|VAPID_|WECHAT_APP/)
    expect(await noSidewaysScroll(p)).toBe(true)
    await cardsFit(p, 1366)
    await shot(p, 'home-editor-1366')
    await context.close()
  })

  test("the grid leader's home at 390 px: their grid's figures and QR code, their announcements, results with share kits", async () => {
    const context = await staffContext(browser, { baseURL: base, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 })
    const p = await context.newPage()
    await p.goto('/home?as=leader1@demo.street')
    await p.locator('#home-grids').waitFor()
    expect(await p.locator('#home-grids li[data-grid]').evaluateAll((els) => els.map((e) => e.getAttribute('data-grid')))).toEqual(['XB-01'])
    // The QR code is drawn (an image of real size, loaded).
    const qr = p.locator('#home-grids img.home-qr')
    await qr.scrollIntoViewIfNeeded()
    await expect.poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true)
    expect(await p.locator(`#home-results [data-content="issues:${issueId}"] .home-line`).innerText()).toMatch(/^已提交 300 人 · 阅读 40 人（阅读率 10\.0%）· 触达率 \d+\.\d%$/)
    expect(await p.locator(`#home-results [data-content="issues:${issueId}"] a.home-share`).getAttribute('href')).toBe(`/admin/readership/share?content=issues%3A${issueId}`)
    expect(await p.locator('body').innerText()).not.toContain('XB-02')
    expect(await noSidewaysScroll(p)).toBe(true)
    await cardsFit(p, 390)
    await shot(p, 'home-leader-390')
    await context.close()
  })

  test("the administrator's set-up checklist at 1366 px", async () => {
    const context = await staffContext(browser, { baseURL: base, viewport: { width: 1366, height: 900 } })
    const p = await context.newPage()
    await p.goto('/home?as=admin@demo.street')
    await p.locator('#home-setup').waitFor()
    expect(await p.locator('#home-setup [data-item="settings"]').getAttribute('data-done')).toBe('yes')
    expect(await p.locator('#home-setup [data-item="channel-email"]').innerText()).toContain('SMTP_URL')
    expect(await noSidewaysScroll(p)).toBe(true)
    await shot(p, 'home-admin-1366')
    await context.close()
  })
})

describe('readership you can read', () => {
  test('at 390 px the table is one card per grid, headline first, definitions folded', async () => {
    const context = await staffContext(browser, { baseURL: base, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 })
    const p = await context.newPage()
    await p.goto('/readership?as=editor@demo.street')
    await p.locator('#readership-headline').waitFor()
    expect(await p.locator('#readership-headline [data-figure="submitted"] dd').innerText()).toBe('1,020')
    expect(await p.locator('#readership-headline [data-figure="best"] dd').innerText()).toMatch(/^XB-0[123] /)
    expect(await p.locator('#readership-definitions').getAttribute('open')).toBeNull()
    expect(await noSidewaysScroll(p)).toBe(true)
    // A grid's row is a card as wide as the screen allows, its figures one per line with their names.
    const row = p.locator('#readership-table tr[data-grid="XB-01"]')
    const box = (await row.boundingBox())!
    expect(box.x + box.width).toBeLessThanOrEqual(390)
    expect(box.height).toBeGreaterThan(200)
    expect(await row.locator('td[data-label="触达率"]').evaluate((td) => getComputedStyle(td, '::before').content)).toBe('"触达率"')
    await shot(p, 'readership-cards-390')
    await p.locator('#readership-definitions summary').click()
    expect(await p.locator('#readership-definitions').innerText()).toContain('阅读率：消息读者 ÷ 已提交人数')
    await shot(p, 'readership-definitions-390')
    await context.close()
  })
})
