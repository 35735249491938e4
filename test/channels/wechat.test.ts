import { randomBytes } from 'node:crypto'

import sharp from 'sharp'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { ChannelError } from '../../src/channels/types'
import {
  WechatClient,
  WECHAT_LIMITS,
  publishStatusFailure,
  toWechatHtml,
  wechatErrorKind,
  type DraftArticle,
} from '../../src/channels/wechat'
import { explainPublishStatus, explainWechatError } from '../../src/i18n/wechat'
import { startWechatEmulator, type WechatEmulator } from '../support/wechat-emulator'

let emu: WechatEmulator
let client: WechatClient
let thumbMediaId = ''

const newClient = (extra: Partial<ConstructorParameters<typeof WechatClient>[0]> = {}) =>
  new WechatClient({ appId: emu.appId, appSecret: emu.appSecret, baseUrl: emu.url, ...extra })

/** A photo-like image: random pixels compress badly, so the encoder has to work to fit limits. */
const noisyImage = (width: number, height: number) =>
  sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } })

const article = (n: number, extra: Partial<DraftArticle> = {}): DraftArticle => ({
  title: `社区动态 第 ${n} 篇`,
  author: '徐碧街道',
  content: `<p>第 ${n} 篇正文：网格员走访独居老人。</p>`,
  contentSourceUrl: `https://street.example/issues/12#a${n}`,
  thumbMediaId,
  ...extra,
})

/** Expects `promise` to reject with a ChannelError and returns it. */
async function channelError(promise: Promise<unknown>): Promise<ChannelError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(ChannelError)
  return err as ChannelError
}

/** Raw API call to the emulator, as any HTTP client would make it. */
async function raw(path: string, body: unknown, token?: string) {
  const res = await fetch(`${emu.url}${path}${token ? `?access_token=${token}` : ''}`, { method: 'POST', body: JSON.stringify(body) })
  return (await res.json()) as Record<string, any>
}

beforeAll(async () => {
  emu = await startWechatEmulator()
})
afterAll(async () => emu.close())
beforeEach(async () => {
  emu.reset()
  client = newClient()
  thumbMediaId = (await client.uploadThumb(await noisyImage(300, 200).png().toBuffer())).mediaId
})

describe('WeChat emulator: documented token behaviour', () => {
  it('stable_token: same token in normal mode, a new one that replaces the old with force_refresh', async () => {
    const ask = (force = false) => raw('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: emu.appId, secret: emu.appSecret, force_refresh: force })
    const a = await ask()
    expect(a.expires_in).toBeGreaterThan(7000)
    expect((await ask()).access_token).toBe(a.access_token)
    emu.advance(31)
    const forced = await ask(true)
    expect(forced.access_token).not.toBe(a.access_token)
    expect((await raw('/cgi-bin/freepublish/get', { publish_id: '1' }, a.access_token)).errcode).toBe(40001)
    // Within 30 s of a forced refresh the platform does not refresh again.
    expect((await ask(true)).access_token).toBe(forced.access_token)
    // In its last 5 minutes a token is renewed; the old one still works until its end.
    emu.advance(7200 - 31 - 200)
    const renewed = await ask()
    expect(renewed.access_token).not.toBe(forced.access_token)
    expect((await raw('/cgi-bin/freepublish/get', { publish_id: '1' }, forced.access_token)).errcode).toBe(53502)
    emu.advance(300)
    expect((await raw('/cgi-bin/freepublish/get', { publish_id: '1' }, forced.access_token)).errcode).toBe(42001)
    expect((await raw('/cgi-bin/freepublish/get', { publish_id: '1' })).errcode).toBe(41001)
    expect((await raw('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: emu.appId, secret: 'wrong' })).errcode).toBe(40125)
  })
})

describe('WeChat client: token', () => {
  it('caches the token across calls', async () => {
    await client.getPublish('1').catch(() => {})
    await client.uploadImage(await sharp({ create: { width: 20, height: 20, channels: 3, background: '#c8102e' } }).png().toBuffer())
    expect(client.tokenFetches).toBe(1)
    expect(emu.calls.filter((c) => c.path === '/cgi-bin/stable_token')).toHaveLength(1)
  })

  it('a token replaced mid-way (40001) is fetched again once and the call succeeds', async () => {
    const before = emu.calls.length
    emu.rotateToken() // another holder of the secret forced a refresh
    const mediaId = await client.addDraft([article(1)])
    expect(mediaId).toMatch(/^draft/)
    expect(client.tokenFetches).toBe(2)
    expect(emu.calls.slice(before).map((c) => `${c.path} ${c.errcode}`)).toEqual([
      '/cgi-bin/draft/add 40001',
      '/cgi-bin/stable_token 0',
      '/cgi-bin/draft/add 0',
    ])
    // A multipart upload is sent again whole after the refresh.
    emu.rotateToken()
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } }).png().toBuffer()
    const url = await client.uploadImage(png)
    expect(Buffer.from(await (await fetch(url)).arrayBuffer())).toEqual(png)
    expect(client.tokenFetches).toBe(3)
  })

  it('an expired token (42001) is refreshed; a token that keeps failing is not retried twice', async () => {
    emu.expireTokens()
    await expect(client.addDraft([article(1)])).resolves.toMatch(/^draft/)
    emu.inject(40001, { path: '/cgi-bin/draft/add', times: 2 })
    const err = await channelError(client.addDraft([article(2)]))
    expect(err).toMatchObject({ kind: 'retryable', code: 40001 })
    expect(emu.calls.filter((c) => c.path === '/cgi-bin/draft/add' && c.errcode === 40001)).toHaveLength(2)
  })

  it('asks for a token again shortly before it expires', async () => {
    let clock = Date.now()
    const timed = newClient({ now: () => clock })
    await timed.token()
    clock += 6800_000
    emu.advance(6800)
    await timed.token()
    expect(timed.tokenFetches).toBe(1)
    clock += 200_000
    emu.advance(200)
    const renewed = await timed.token()
    expect(timed.tokenFetches).toBe(2)
    expect(renewed).toBe(emu.snapshot().tokens.current)
  })
})

describe('WeChat client: errors become kinds, explained in Chinese', () => {
  it('quota (45009) on any call and 45028 are quota; 40164 and 48001 are configuration', async () => {
    emu.inject(45009, { path: '/cgi-bin/draft/add' })
    const quota = await channelError(client.addDraft([article(1)]))
    expect(quota).toMatchObject({ kind: 'quota', code: 45009 })
    expect(explainWechatError(45009)).toContain('上限')

    const fresh = newClient()
    emu.inject(40164, { path: '/cgi-bin/stable_token' })
    const ip = await channelError(fresh.token())
    expect(ip).toMatchObject({ kind: 'config', code: 40164 })
    expect(explainWechatError(40164)).toContain('白名单')

    const mediaId = await client.addDraft([article(1)])
    emu.inject(48001, { path: '/cgi-bin/freepublish/submit' })
    expect(await channelError(client.submitPublish(mediaId))).toMatchObject({ kind: 'config', code: 48001 })
    expect(explainWechatError(48001)).toContain('权限')

    expect(wechatErrorKind(45028)).toBe('quota')
    expect(wechatErrorKind(-1)).toBe('retryable')
    expect(wechatErrorKind(53503)).toBe('config')
    expect(explainWechatError(53503)).toContain('发布检查')
    expect(explainWechatError(42001)).toContain('过期')
    expect(explainWechatError(99999, 'odd')).toBe('微信接口返回错误 99999：odd')
    for (const s of [2, 3, 4, 5, 6]) {
      expect(publishStatusFailure(s)).toMatchObject({ ok: false, kind: 'config', code: `publish_status:${s}` })
      expect(explainPublishStatus(s)).toMatch(/[\u4e00-\u9fff]/)
    }
    expect(publishStatusFailure(0)).toBeNull()
  })

  it('the emulator takes the same faults through its HTTP control endpoints', async () => {
    await fetch(`${emu.url}/__emulator/inject`, { method: 'POST', body: JSON.stringify({ code: 45009, path: '/cgi-bin/draft/add' }) })
    expect(await channelError(client.addDraft([article(1)]))).toMatchObject({ kind: 'quota', code: 45009 })
    const state = await (await fetch(`${emu.url}/__emulator/state`)).json()
    expect(state.calls).toBe(emu.calls.length)
    expect(state.drafts).toEqual([])
  })
})

describe('WeChat client: images', () => {
  it('resizes a large cover to a JPEG under 64 KB that add_material accepts', async () => {
    const cover = await noisyImage(1600, 1200).jpeg({ quality: 95 }).toBuffer()
    expect(cover.length).toBeGreaterThan(WECHAT_LIMITS.thumbBytes)
    const { mediaId, url } = await client.uploadThumb(cover)
    expect(mediaId).toMatch(/^thumb/)
    const stored = Buffer.from(await (await fetch(url!)).arrayBuffer())
    expect(stored.length).toBeLessThan(WECHAT_LIMITS.thumbBytes)
    expect(stored.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]))
    // The emulator itself refuses an oversized or non-JPEG thumb.
    const token = await client.token()
    const form = new FormData()
    form.append('media', new Blob([new Uint8Array(cover)], { type: 'image/jpeg' }), 'big.jpg')
    const res = await fetch(`${emu.url}/cgi-bin/material/add_material?access_token=${token}&type=thumb`, { method: 'POST', body: form })
    expect((await res.json()).errcode).toBe(40009)
  })

  it('refuses a body image of 1 MB or more, or not JPG/PNG, before any call', async () => {
    const big = await noisyImage(1400, 1000).jpeg({ quality: 98 }).toBuffer()
    expect(big.length).toBeGreaterThanOrEqual(WECHAT_LIMITS.bodyImageBytes)
    const before = emu.calls.length
    const tooLarge = await channelError(client.uploadImage(big))
    expect(tooLarge).toMatchObject({ kind: 'config', code: 'uploadimg.too-large', field: 'image' })
    expect(tooLarge.message).toMatch(/1 MB/)
    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).gif().toBuffer()
    expect(await channelError(client.uploadImage(gif))).toMatchObject({ kind: 'config', code: 'uploadimg.type' })
    expect(emu.calls.length).toBe(before)
    // The emulator applies the same limit to a client that does not check.
    const form = new FormData()
    form.append('media', new Blob([new Uint8Array(big)], { type: 'image/jpeg' }), 'big.jpg')
    const res = await fetch(`${emu.url}/cgi-bin/media/uploadimg?access_token=${await client.token()}`, { method: 'POST', body: form })
    expect((await res.json()).errcode).toBe(40009)
  })
})

describe('WeChat client: draft, publish, delete', () => {
  it('refuses 9 articles, and fields over the documented limits, before any API call', async () => {
    const before = emu.calls.length
    const fetchesBefore = client.tokenFetches
    const nine = await channelError(client.addDraft(Array.from({ length: 9 }, (_, i) => article(i + 1))))
    expect(nine).toMatchObject({ kind: 'config', code: 'draft.too-many-articles', field: 'articles' })
    expect(nine.message).toBe('一次最多 8 篇文章，现有 9 篇。')
    const title = await channelError(client.addDraft([article(1), article(2, { title: '长'.repeat(33) })]))
    expect(title).toMatchObject({ code: 'draft.too-long', field: 'articles[1].title' })
    expect(title.message).toBe('第 2 篇文章的标题超过 32 字（现有 33 字）。')
    expect(await channelError(client.addDraft([article(1, { author: '作'.repeat(17) })]))).toMatchObject({ field: 'articles[0].author' })
    expect(await channelError(client.addDraft([article(1, { thumbMediaId: '' })]))).toMatchObject({ code: 'draft.required', field: 'articles[0].thumbMediaId' })
    expect(await channelError(client.addDraft([article(1, { contentSourceUrl: 'javascript:alert(1)' })]))).toMatchObject({ code: 'draft.source-url' })
    expect(emu.calls.length).toBe(before)
    expect(client.tokenFetches).toBe(fetchesBefore)
    // The emulator refuses the same draft on its own.
    const token = await client.token()
    const nineRaw = Array.from({ length: 9 }, (_, i) => ({ title: `t${i}`, content: '<p>x</p>', thumb_media_id: thumbMediaId }))
    expect((await raw('/cgi-bin/draft/add', { articles: nineRaw }, token)).errcode).toBe(45008)
    expect((await raw('/cgi-bin/draft/add', { articles: [{ ...nineRaw[0], title: '长'.repeat(33) }] }, token)).errcode).toBe(45003)
  })

  it('an issue goes draft → publish (status 1 then 0 with the article URLs) → delete (status 5)', async () => {
    const html = await toWechatHtml('<p>正文</p><img src="/media/a.png"><script>x()</script>', async () =>
      client.uploadImage(await sharp({ create: { width: 30, height: 20, channels: 3, background: '#0a0' } }).png().toBuffer()),
    )
    const mediaId = await client.addDraft([article(1, { content: html }), article(2), article(3)])
    const stored = emu.drafts.get(mediaId)!
    expect(stored.articles).toHaveLength(3)
    expect(stored.filteredImages).toBe(0) // our image came through uploadimg, so the platform keeps it
    const { publishId } = await client.submitPublish(mediaId)
    expect(emu.drafts.has(mediaId)).toBe(false)
    expect((await client.getPublish(publishId)).status).toBe(1)
    const done = await client.getPublish(publishId)
    expect(done.status).toBe(0)
    expect(done.articleUrls).toHaveLength(3)
    expect(done.articleId).toBeTruthy()
    await client.deletePublished(done.articleId!)
    expect((await client.getPublish(publishId)).status).toBe(5)
  })

  it('a publish can end refused by review (4) or blocked (6), as configured', async () => {
    emu.setPublishOutcome(4)
    const { publishId } = await client.submitPublish(await client.addDraft([article(1)]))
    await client.getPublish(publishId)
    const refused = await client.getPublish(publishId)
    expect(refused).toMatchObject({ status: 4, failIdx: [1], articleUrls: [] })
    expect(publishStatusFailure(refused.status)!.kind).toBe('config')
    await fetch(`${emu.url}/__emulator/publish-outcome`, { method: 'POST', body: JSON.stringify({ status: 6, polls: 0 }) })
    const blocked = await client.submitPublish(await client.addDraft([article(2)]))
    expect((await client.getPublish(blocked.publishId)).status).toBe(6)
  })
})

describe('WeChat client: mass send', () => {
  it('one a day; clientmsgid makes a repeat idempotent; a second send the same day is refused with 45028', async () => {
    const first = await client.massSendToAll(await client.addDraft([article(1)]), { clientMsgId: 'issue-12' })
    expect(first.repeated).toBe(false)
    // The same request again (a retry after a timeout, say): same msg_id, no second send, no quota spent.
    const again = await client.massSendToAll('draft-already-gone', { clientMsgId: 'issue-12' })
    expect(again).toMatchObject({ msgId: first.msgId, repeated: true })
    expect(emu.massSends).toHaveLength(1)

    const second = await client.addDraft([article(2)])
    const refused = await channelError(client.massSendToAll(second, { clientMsgId: 'issue-13' }))
    expect(refused).toMatchObject({ kind: 'quota', code: 45028 })
    expect(explainWechatError(45028)).toContain('每天只能成功群发 1 次')
    expect(emu.massSends).toHaveLength(1)

    emu.advance(24 * 3600)
    const nextDay = await client.massSendToAll(second, { clientMsgId: 'issue-13' })
    expect(nextDay.repeated).toBe(false)
    expect(emu.massSends).toHaveLength(2)
    const tooLong = await channelError(client.massSendToAll(second, { clientMsgId: 'x'.repeat(65) }))
    expect(tooLong).toMatchObject({ kind: 'config', code: 'clientmsgid' })
  })

  it('aggregates the datacube figures of mass-sent articles over days', async () => {
    await client.massSendToAll(await client.addDraft([article(1), article(2)]), { clientMsgId: 'issue-14' })
    const sendDay = emu.snapshot().day
    emu.advance(3 * 24 * 3600)
    const nextDay = new Date(Date.parse(sendDay) + 86_400_000).toISOString().slice(0, 10)
    const stats = await client.articleStats(sendDay, nextDay)
    expect(stats).toHaveLength(2)
    const first = stats.find((s) => s.msgid.endsWith('_1'))!
    const day0 = (await client.articleSummary(sendDay)).find((s) => s.msgid === first.msgid)!
    const day1 = (await client.articleSummary(nextDay)).find((s) => s.msgid === first.msgid)!
    expect(first).toMatchObject({ days: 2, readUsers: day0.readUsers + day1.readUsers, reads: day0.reads + day1.reads, title: '社区动态 第 1 篇' })
    expect(first.readUsers).toBeGreaterThan(0)
    const totals = await client.articleTotal(sendDay)
    expect(totals.find((s) => s.msgid === first.msgid)!.readUsers).toBeGreaterThanOrEqual(day0.readUsers + day1.readUsers)
    // Today has no figures yet: the platform answers 61501.
    expect(await channelError(client.articleSummary(emu.snapshot().day))).toMatchObject({ kind: 'config', code: 61501 })
  })
})
