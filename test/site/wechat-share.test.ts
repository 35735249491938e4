import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { forgetWechatClient } from '../../src/delivery/wechat'
import { invalidateSiteCache } from '../../src/site/cache'
import { body } from '../support/fixtures'
import { testPayload } from '../support/payload'
import { startWechatEmulator, type WechatEmulator } from '../support/wechat-emulator'
import { type Site, startSite } from './support'

type Payload = Awaited<ReturnType<typeof testPayload>>

const PUBLIC_URL = process.env.PUBLIC_URL!
const WECHAT_UA = 'Mozilla/5.0 (Linux; Android 13; wv) AppleWebKit/537.36 Chrome/116.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.47.2560(0x28002F35) NetType/WIFI'
const OTHER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0.0.0 Safari/537.36'
const scriptsOf = (html: string) => [...html.matchAll(/<script\b[^>]*src="([^"]+)"/gi)].map((m) => m[1])

/**
 * WeChat's share card on both databases: off by default; on (site setting +
 * the account's credentials), WeChat's browser alone gets the JS-SDK and the
 * share script, and /wechat/js-config signs the page's address with a
 * jsapi_ticket from the emulator, fetched once and reused.
 */
describe('WeChat share card', () => {
  let payload: Payload
  let site: Site
  let emu: WechatEmulator
  let path = ''

  const setting = async (on: boolean) => {
    await payload.updateGlobal({ slug: 'site-settings', data: { wechatJsSdk: on }, overrideAccess: true })
    invalidateSiteCache()
  }
  const get = (p: string, ua = OTHER_UA) => site.get(p, { headers: { 'user-agent': ua } })
  const config = (url: string) => get(`/wechat/js-config?url=${encodeURIComponent(url)}`, WECHAT_UA)

  beforeAll(async () => {
    payload = await testPayload()
    emu = await startWechatEmulator()
    Object.assign(process.env, { WECHAT_APP_ID: emu.appId, WECHAT_APP_SECRET: emu.appSecret, WECHAT_API_BASE: emu.url })
    forgetWechatClient()
    await payload.updateGlobal({ slug: 'site-settings', data: { streetName: '测试街道', periodicalName: '测试周刊' }, overrideAccess: true })
    const ev = (await payload.create({
      collection: 'events',
      data: { title: '社区义诊', summary: '周六上午义诊。', startsAt: new Date().toISOString(), location: '社区卫生站', wholeStreet: true, body: body('义诊'), _status: 'published' },
      overrideAccess: true,
    })) as unknown as { id: string | number }
    path = `/events/${ev.id}`
    site = await startSite(payload)
  })
  afterAll(async () => {
    await site?.close()
    await emu?.close()
    for (const name of ['WECHAT_APP_ID', 'WECHAT_APP_SECRET', 'WECHAT_API_BASE']) delete process.env[name]
    forgetWechatClient()
  })

  it('is off by default: no slot, no scripts but read-aloud, no config', async () => {
    const res = await get(path, WECHAT_UA)
    const html = await res.text()
    expect(html).not.toContain('<!--sn:wx-->')
    expect(scriptsOf(html)).toEqual(['/js/speak.js'])
    expect(res.headers.get('vary')).toBe('Cookie')
    expect((await config(`${PUBLIC_URL}${path}`)).status).toBe(404)
  })

  it('on: only WeChat’s browser gets the JS-SDK and the share script, allowed by its policy', async () => {
    await setting(true)
    const other = await get(path)
    const otherHtml = await other.text()
    expect(scriptsOf(otherHtml)).toEqual(['/js/speak.js'])
    expect(other.headers.get('content-security-policy')).toContain("script-src 'self';")
    expect(other.headers.get('vary')).toBe('Cookie, User-Agent')

    const wechat = await get(path, WECHAT_UA)
    const html = await wechat.text()
    expect(scriptsOf(html)).toEqual(['/js/speak.js', 'https://res.wx.qq.com/open/js/jweixin-1.6.0.js', expect.stringMatching(/^\/js\/wx-share\.js\?v=[0-9a-f]{10}$/)])
    expect(wechat.headers.get('content-security-policy')).toContain("script-src 'self' https://res.wx.qq.com;")
    // The card's data is the page's own: a title that stands alone, the description, the image.
    expect(html).toContain('<title>社区义诊 · 测试街道</title>')
    expect(html).toContain('<meta property="og:description" content="周六上午义诊。">')
    // The share script is small.
    const script = await get(scriptsOf(html)[2])
    expect(script.status).toBe(200)
    expect((await script.arrayBuffer()).byteLength).toBeLessThanOrEqual(1536)
  })

  it('signs the page’s address with a ticket the platform accepts, fetching the ticket once', async () => {
    const url = `${PUBLIC_URL}${path}?from=singlemessage&isappinstalled=0`
    const res = await config(`${url}#a1`)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const c = (await res.json()) as { appId: string; timestamp: number; nonceStr: string; signature: string }
    expect(c.appId).toBe(emu.appId)
    expect(Math.abs(c.timestamp - Date.now() / 1000)).toBeLessThan(60)
    expect(emu.verifyJsSignature({ url, ...c })).toBe(true)
    const again = (await (await config(`${PUBLIC_URL}/`)).json()) as typeof c
    expect(emu.verifyJsSignature({ url: `${PUBLIC_URL}/`, ...again })).toBe(true)
    expect(emu.ticketsIssued).toBe(1)
  })

  it('signs only this site’s pages, and says so plainly when WeChat gives no ticket', async () => {
    expect((await config('https://elsewhere.example/x')).status).toBe(400)
    expect((await get('/wechat/js-config', WECHAT_UA)).status).toBe(400)
    forgetWechatClient()
    emu.inject(40164, { path: '/cgi-bin/stable_token' })
    expect((await config(`${PUBLIC_URL}${path}`)).status).toBe(503)
  })
})
