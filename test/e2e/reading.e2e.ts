import type { AddressInfo } from 'node:net'

import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'

import { startWechatEmulator, type WechatEmulator } from '../support/wechat-emulator'
import { artifactsOnFailure, launchBrowser, shot, WECHAT_UA, wechatPhone } from './support/browser'
import { closeInProcess, inProcessEnv } from './support/inProcess'

/**
 * Reading and sharing in WeChat's browser at 390 px, against the Express app
 * on a fresh demo street with the WeChat emulator as the platform: an event
 * notice and an issue carry previous/next and the contents, and with the
 * share card on, the page signs wx.config through /wechat/js-config with a
 * ticket the emulator accepts and sets the card from its own title,
 * description and image. WeChat's JS-SDK file (res.wx.qq.com, unreachable
 * here) is stood in for by a script that records what the page asks of it;
 * its bytes are not the page's, the page stays within 24 KB of HTML and CSS.
 */
const dataDir = inProcessEnv('reading')

/** What the JS-SDK would do with the page's calls: kept for the test to read. */
const JSSDK_STANDIN = `
window.__wx = { config: null, share: null, timeline: null }
window.wx = {
  config: function (c) { window.__wx.config = c },
  ready: function (cb) { setTimeout(cb, 0) },
  error: function () {},
  updateAppMessageShareData: function (d) { window.__wx.share = d },
  updateTimelineShareData: function (d) { window.__wx.timeline = d },
}`

let browser: Browser
let emu: WechatEmulator
let server: import('node:http').Server
let payload: import('payload').Payload
let base = ''
let middle = ''
let older = ''
let newer = ''
let issuePath = ''

beforeAll(async () => {
  emu = await startWechatEmulator()
  Object.assign(process.env, { WECHAT_APP_ID: emu.appId, WECHAT_APP_SECRET: emu.appSecret, WECHAT_API_BASE: emu.url })
  const { initPayload } = await import('../../src/server/payload')
  const { createApp, listen } = await import('../../src/server/app')
  const { seedDemo } = await import('../../src/seed/demo')
  const { doc, p } = await import('../../src/seed/lexical')
  const { paths } = await import('../../src/templates/paths')
  payload = await initPayload()
  await seedDemo(payload)
  await payload.updateGlobal({ slug: 'site-settings', data: { wechatJsSdk: true }, overrideAccess: true })
  const day = (n: number) => new Date(Date.UTC(2030, 0, n, 2)).toISOString()
  const ev = async (title: string, n: number) =>
    (await payload.create({
      collection: 'events',
      data: { title, summary: `${title}，欢迎居民参加。`, startsAt: day(n + 5), publishedAt: day(n), location: '社区文化广场', wholeStreet: true, body: doc(p(`${title}详情。`)), _status: 'published' },
      overrideAccess: true,
    })) as unknown as { id: string | number }
  const [a, b, c] = [await ev('社区义诊', 1), await ev('旧衣回收', 2), await ev('防诈骗讲座', 3)]
  ;[older, middle, newer] = [paths.event(a.id), paths.event(b.id), paths.event(c.id)]
  // A new issue after the demo's: it has a previous one.
  const issue = (await payload.create({
    collection: 'issues',
    data: {
      title: '冬日暖心',
      summary: '本期关注冬季安全。',
      articles: [
        { title: '燃气安全进楼栋', body: doc(p('网格员逐户检查燃气阀门。')) },
        { title: '独居老人有人陪', body: doc(p('楼栋长每周上门探访。')) },
      ],
      _status: 'published',
    },
    overrideAccess: true,
  })) as unknown as { number: number }
  issuePath = paths.issue(issue.number)
  const app = createApp(payload)
  server = await listen(payload, app, 0, '127.0.0.1')
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  // Share links and the signed address are this site's (read at each use).
  process.env.PUBLIC_URL = base
  browser = await launchBrowser()
})
afterEach((ctx) => artifactsOnFailure(browser, ctx))
afterAll(async () => {
  await closeInProcess(dataDir, { browser, server, payload })
  await emu?.close()
})

/** WeChat's browser at 390 px with the JS-SDK stood in for; the bytes of every response, by URL. */
async function phone() {
  const context = await wechatPhone(browser, { baseURL: base })
  const sizes = new Map<string, number>()
  await context.route('https://res.wx.qq.com/**', (route) => route.fulfill({ contentType: 'application/javascript', body: JSSDK_STANDIN }))
  context.on('response', async (res) => {
    const body = await res.body().catch(() => null)
    if (body) sizes.set(res.url(), body.length)
  })
  return { context, sizes }
}

type WxSeen = {
  config: { appId: string; timestamp: number; nonceStr: string; signature: string; jsApiList: string[] } | null
  share: { title: string; desc: string; link: string; imgUrl: string } | null
  timeline: { title: string; link: string; imgUrl: string } | null
}
const wxSeen = (page: Page) => page.evaluate(() => (window as unknown as { __wx: WxSeen }).__wx)

describe('reading in WeChat at 390 px', () => {
  test('an event notice: signed wx.config, the share card, previous and next', async () => {
    const { context, sizes } = await phone()
    const page = await context.newPage()
    await page.goto(middle)
    await page.waitForFunction(() => (window as unknown as { __wx?: { share: unknown } }).__wx?.share, null, { timeout: 10_000 })
    const seen = await wxSeen(page)
    expect(seen.config?.appId).toBe(emu.appId)
    expect(seen.config?.jsApiList).toEqual(['updateAppMessageShareData', 'updateTimelineShareData'])
    expect(emu.verifyJsSignature({ url: page.url().split('#')[0], ...seen.config! })).toBe(true)
    expect(seen.share).toEqual({
      title: '旧衣回收 · 徐碧街道',
      desc: '旧衣回收，欢迎居民参加。',
      link: `${base}${middle}`,
      imgUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/.+/),
    })
    expect(seen.timeline?.title).toBe('旧衣回收 · 徐碧街道')

    const prev = page.locator('nav.prevnext a[rel=prev]')
    const next = page.locator('nav.prevnext a[rel=next]')
    await expect.poll(() => prev.getAttribute('href')).toBe(older)
    expect(await next.getAttribute('href')).toBe(newer)
    expect(await next.innerText()).toContain('防诈骗讲座')
    // Thumb-sized targets, side by side on a phone.
    const box = await next.boundingBox()
    expect(box!.height).toBeGreaterThanOrEqual(44)
    await expect.poll(() => page.locator('aside.follow').innerText()).toContain('关注公众号“聚焦徐碧”')
    await next.scrollIntoViewIfNeeded()
    await shot(page, 'reading-wechat-event-390')

    // The page's own bytes (HTML and CSS) within the budget; the JS-SDK counted apart, the share script small.
    const html = [...sizes].find(([url]) => url === `${base}${middle}`)?.[1] ?? 0
    const css = [...sizes].filter(([url]) => url.includes('/css/')).reduce((n, [, b]) => n + b, 0)
    const shareJs = [...sizes].find(([url]) => url.includes('/js/wx-share.js'))?.[1] ?? 0
    const sdk = [...sizes].find(([url]) => url.startsWith('https://res.wx.qq.com/'))?.[1] ?? 0
    expect(html).toBeGreaterThan(0)
    expect(html + css).toBeLessThanOrEqual(24 * 1024)
    expect(shareJs).toBeGreaterThan(0)
    expect(shareJs).toBeLessThanOrEqual(1536)
    expect(sdk).toBeGreaterThan(0)

    await next.click()
    await page.waitForURL(`**${newer}`)
    expect(await page.locator('nav.prevnext a[rel=prev]').getAttribute('href')).toBe(middle)
    await context.close()
  })

  test('an issue: contents with anchors, back to them, the previous issue', async () => {
    const { context } = await phone()
    const page = await context.newPage()
    await page.goto(issuePath)
    const toc = page.locator('nav#toc a')
    expect(await toc.count()).toBeGreaterThan(1)
    await toc.nth(1).click()
    await expect.poll(() => new URL(page.url()).hash).toBe('#a2')
    await page.locator('#a2 .back a').click()
    await expect.poll(() => new URL(page.url()).hash).toBe('#toc')
    expect(await page.locator('nav.prevnext a[rel=prev]').innerText()).toContain('上一期')
    await page.waitForFunction(() => (window as unknown as { __wx?: { share: unknown } }).__wx?.share, null, { timeout: 10_000 })
    const seen = await wxSeen(page)
    expect(emu.verifyJsSignature({ url: page.url().split('#')[0], ...seen.config! })).toBe(true)
    expect(seen.share?.title).toMatch(/^聚焦徐碧 第 \d+ 期 .+ · 徐碧街道$/)
    await page.locator('nav.prevnext').scrollIntoViewIfNeeded()
    await shot(page, 'reading-wechat-issue-390')
    await context.close()
  })

  test('outside WeChat, the page carries no share script and the JS-SDK is never fetched', async () => {
    const context = await browser.newContext({ baseURL: base, viewport: { width: 1366, height: 900 } })
    const urls: string[] = []
    context.on('request', (r) => void urls.push(r.url()))
    const page = await context.newPage()
    await page.goto(middle)
    await page.waitForLoadState('load')
    expect(await page.evaluate(() => [...document.scripts].map((s) => new URL(s.src).pathname))).toEqual(['/js/speak.js'])
    expect(urls.filter((u) => u.includes('res.wx.qq.com') || u.includes('wx-share') || u.includes('js-config'))).toEqual([])
    await context.close()
  })

  test('in WeChat, each reading page in each mode stays within 24 KB of HTML and CSS; the JS-SDK is apart', async () => {
    const over: string[] = []
    const css = new Map<string, number>()
    for (const cookie of ['', 'sn_text=large', 'sn_care=1']) {
      for (const target of [middle, issuePath]) {
        const html = await (await fetch(`${base}${target}`, { headers: { 'user-agent': WECHAT_UA, ...(cookie ? { cookie } : {}) } })).text()
        let total = Buffer.byteLength(html)
        for (const [, href] of html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)) {
          if (!css.has(href)) css.set(href, (await (await fetch(`${base}${href}`)).arrayBuffer()).byteLength)
          total += css.get(href)!
        }
        if (total > 24 * 1024) over.push(`${cookie || 'normal'} ${target}: ${total} bytes`)
        const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1].replace(/\?v=.*$/, ''))
        expect(scripts).toEqual(['/js/speak.js', 'https://res.wx.qq.com/open/js/jweixin-1.6.0.js', '/js/wx-share.js'])
      }
    }
    expect(over).toEqual([])
  })
})
