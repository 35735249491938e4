import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { SubscriberDoc } from '../../src/collections/Subscribers'
import { consentVersion } from '../../src/subscribers/service'
import { signToken } from '../../src/tokens'
import { testPayload } from '../support/payload'
import {
  Client,
  headerOf,
  hrefsIn,
  inputValue,
  linksIn,
  mailsTo,
  pathOf,
  setUpStreet,
  startWorld,
  stopWorld,
  subscribeAs,
  subscribeForm,
  textOf,
  waitForMails,
  type World,
} from './support'

/**
 * Subscribing from the reading site, over HTTP against the Express app, with
 * the confirmation mail caught by a real SMTP server and parsed back: the
 * form (grid list, search, share-link preset), every kind of bad input, CSRF,
 * body limits, double opt-in, links that are forged, altered or expired, the
 * repeat request that must not reveal the address, and the rate limits.
 */
let payload: Payload
let w: World
let ipCounter = 1
const client = () => new Client(w.site.base, `198.51.100.${ipCounter++}`)

const find = async (email: string) =>
  (await payload.find({ collection: 'subscribers', where: { email: { equals: email } }, overrideAccess: true, depth: 0 })).docs[0] as unknown as
    | SubscriberDoc
    | undefined

beforeAll(async () => {
  payload = await testPayload()
  const street = await setUpStreet(payload)
  w = await startWorld(payload, street)
})
afterAll(async () => {
  if (w) await stopWorld(w)
})

describe('the subscribe page', () => {
  it('offers every grid grouped by community (a plain select), the consent text with its version, and a CSRF cookie', async () => {
    const c = client()
    const { res, status, html } = await c.get('/subscribe')
    expect(status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(html).toMatch(/<optgroup label="甲社区"><option value="A-01">A-01 · 甲一网格<\/option><option value="A-02">A-02 · 甲二网格<\/option><\/optgroup>/)
    expect(html).toContain('<optgroup label="乙社区"><option value="B-01">')
    expect(c.cookies.get('sn_csrf')).toBeTruthy()
    expect(inputValue(html, 'csrf')).toMatch(/^[A-Za-z0-9_-]{20,}$/)
    expect(inputValue(html, 'consentVersion')).toBe(consentVersion('content'))
    expect(textOf(html)).toContain('仅用于向我发送所选内容')
    // No inline script: the page's only script is the file.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/)
    expect(html).toContain('<script src="/js/subscribe.js" defer></script>')
    // The WeChat account is offered as "follow", not as a channel to tick.
    expect(textOf(html)).toContain('扫码关注公众号“徐碧街道”')
    expect(html).not.toContain('value="wechat"')
  })

  it('links a privacy page that states this street\'s retention and smallest figure, not the defaults', async () => {
    const before = { days: process.env.READ_RETENTION_DAYS, k: process.env.MIN_GROUP_SIZE }
    try {
      const defaults = textOf((await client().get('/privacy')).html)
      expect(defaults).toContain('这些原始记录 90 天后删除')
      expect(defaults).toContain('人数少于 3 人的数字不显示')
      process.env.READ_RETENTION_DAYS = '30'
      process.env.MIN_GROUP_SIZE = '5'
      const { status, html } = await client().get('/privacy')
      expect(status).toBe(200)
      expect(textOf(html)).toContain('这些原始记录 30 天后删除')
      expect(textOf(html)).toContain('人数少于 5 人的数字不显示')
      expect(html).not.toMatch(/\{(days|k)\}/)
    } finally {
      for (const [name, value] of [['READ_RETENTION_DAYS', before.days], ['MIN_GROUP_SIZE', before.k]] as const) {
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
    }
  })

  it('presets the grid from its share link, and says so when the code is unknown', async () => {
    const c = client()
    const preset = await c.get('/subscribe?grid=A-02')
    expect(preset.status).toBe(200)
    expect(inputValue(preset.html, 'grid')).toBe('A-02')
    expect(textOf(preset.html)).toContain('网格：A-02 · 甲二网格（甲社区）')
    expect(preset.html).not.toContain('<select name="grid"')
    const unknown = await c.get('/subscribe?grid=ZZ-99')
    expect(unknown.status).toBe(404)
    expect(textOf(unknown.html)).toContain('网格：没有编号为“ZZ-99”的网格')
    expect(unknown.html).toContain('<select name="grid"')
  })

  it('finds the grid by estate and building name, without JavaScript and as JSON for the script', async () => {
    const c = client()
    const page = await c.get(`/subscribe?q=${encodeURIComponent('碧湖 3栋')}`)
    expect(page.status).toBe(200)
    expect(page.html).toContain('href="/subscribe?grid=A-01"')
    expect(textOf(page.html)).toContain('碧湖小区 3栋 → A-01 · 甲一网格（甲社区）')
    const json = await c.get(`/subscribe/buildings?q=${encodeURIComponent('江滨')}`)
    // The estate's everyday name alone: the estate, with its buildings in that grid.
    expect(JSON.parse(json.html)).toEqual({
      found: true,
      why: null,
      message: null,
      matches: [{ code: 'B-01', gridName: '乙一网格', community: '乙社区', estate: '江滨花园', building: '', label: '江滨花园（12栋）→ B-01 · 乙一网格（乙社区）' }],
    })
    const none = await c.get(`/subscribe?q=${encodeURIComponent('不存在的小区')}`)
    expect(textOf(none.html)).toContain('没有找到“不存在的小区”')
    // Markup typed into the search comes back escaped.
    const xss = await c.get(`/subscribe?q=${encodeURIComponent('<img src=x onerror=alert(1)>')}`)
    expect(xss.html).not.toContain('<img src=x')
    expect(xss.html).toContain('&lt;img src=x onerror=alert(1)&gt;')
  })
})

describe('bad input', () => {
  const refused = async (over: Record<string, string | string[]>, field: string, message: string) => {
    const c = client()
    const before = (await payload.count({ collection: 'subscribers', overrideAccess: true })).totalDocs
    const r = await subscribeAs(c, over)
    expect(r.status).toBe(400)
    const text = textOf(r.html)
    expect(text).toContain(message)
    expect(r.html).toContain(`href="#f-${field}"`)
    expect((await payload.count({ collection: 'subscribers', overrideAccess: true })).totalDocs).toBe(before)
    return r
  }

  it('names the address field for a malformed, an overlong and a missing address', async () => {
    const r = await refused({ email: 'not an address' }, 'email', '邮箱地址：格式不正确')
    // What the resident typed stays in the form.
    expect(inputValue(r.html, 'email')).toBe('not an address')
    await refused({ email: 'two@@example.org' }, 'email', '邮箱地址：格式不正确')
    await refused({ email: `${'a'.repeat(250)}@example.org` }, 'email', '邮箱地址：太长了（最多 254 个字符）')
    await refused({ email: `${'a'.repeat(70)}@example.org` }, 'email', '邮箱地址：太长了')
    await refused({ email: '' }, 'email', '邮箱地址：请填写邮箱地址')
    await refused({ email: 'x@example.org\r\nBcc: victim@example.org' }, 'email', '邮箱地址：格式不正确')
  })

  it('names the grid for an unknown or missing grid', async () => {
    await refused({ grid: 'Q-42' }, 'grid', '网格：没有编号为“Q-42”的网格')
    await refused({ grid: '' }, 'grid', '网格：请选择您所在的网格')
  })

  it('requires the consent, at least one topic and a channel, and never push alone', async () => {
    await refused({ consent: '' }, 'consent', '同意说明：请阅读说明并勾选“我已阅读并同意”')
    await refused({ consentVersion: 'c-old' }, 'consent', '同意说明：说明内容已更新')
    await refused({ topics: [] }, 'topics', '内容：请至少选择一项')
    await refused({ topics: ['issues', 'gossip'] }, 'topics', '内容：包含无法识别的选项')
    await refused({ channels: [] }, 'channels', '接收方式：请至少选择一种')
    await refused({ channels: ['webpush'] }, 'channels', '接收方式：网页推送可能因网络原因收不到，请同时选择电子邮件')
    await refused({ channels: ['email', 'sms'] }, 'channels', '接收方式：包含无法识别的选项')
  })

  it('reports every problem at once', async () => {
    const r = await refused({ email: 'bad', grid: 'nope', consent: '', topics: [] }, 'email', '邮箱地址')
    const text = textOf(r.html)
    for (const m of ['邮箱地址：格式不正确', '网格：没有编号为“nope”的网格', '内容：请至少选择一项', '同意说明：请阅读说明']) expect(text).toContain(m)
  })

  it('refuses a form without the CSRF cookie, without the token, or with a token for another cookie', async () => {
    const c = client()
    const page = await c.get('/subscribe')
    const csrf = inputValue(page.html, 'csrf')!
    const other = client()
    await other.get('/subscribe')
    expect((await other.post('/subscribe', subscribeForm(csrf, { email: 'csrf1@example.org' }))).status).toBe(403)
    expect((await c.post('/subscribe', subscribeForm('', { email: 'csrf2@example.org' }))).status).toBe(403)
    const bare = new Client(w.site.base, '198.51.100.250')
    const r = await bare.post('/subscribe', subscribeForm(csrf, { email: 'csrf3@example.org' }))
    expect(r.status).toBe(403)
    expect(textOf(r.html)).toContain('页面已过期')
    for (const e of ['csrf1@example.org', 'csrf2@example.org', 'csrf3@example.org']) expect(await find(e)).toBeUndefined()
  })

  it('refuses an oversized body with a Chinese page (413)', async () => {
    const c = client()
    const page = await c.get('/subscribe')
    const r = await c.post('/subscribe', subscribeForm(inputValue(page.html, 'csrf')!, { email: 'big@example.org', filler: 'x'.repeat(40_000) }))
    expect(r.status).toBe(413)
    expect(textOf(r.html)).toContain('提交的内容超过了允许的大小')
    expect(await find('big@example.org')).toBeUndefined()
  })
})

describe('double opt-in', () => {
  it('stores a pending request (its consents wait for the confirmation), mails a confirmation with working links, and confirms on the button', async () => {
    const c = client()
    w.smtp.reset()
    const r = await subscribeAs(c, { email: 'Zhang.San@Example.org', grid: 'A-02', topics: ['issues', 'announcements'], statistics: 'yes' })
    expect(r.status).toBe(200)
    expect(textOf(r.html)).toContain('请查收确认邮件')
    const pending = (await find('zhang.san@example.org'))!
    expect(pending.status).toBe('pending')
    expect(pending.source).toBe('web')
    expect(pending.topics).toEqual(['issues', 'announcements'])
    // Nobody has proved the address yet: no consent is on record, the request waits.
    expect(pending.consents ?? []).toEqual([])
    expect(pending.pendingRequest).toMatchObject({ topics: ['issues', 'announcements'], statistics: true, versions: { content: consentVersion('content'), statistics: consentVersion('statistics') } })

    await waitForMails(w.smtp, 1)
    const [mail] = mailsTo(w.smtp, 'zhang.san@example.org')
    expect(mail.parsed!.subject).toBe('请确认订阅《聚焦徐碧》')
    expect(mail.parsed!.text).toContain('A-02 · 甲二网格（甲社区）')
    expect(mail.parsed!.text).toContain('期刊、本网格公告')
    expect(String(mail.parsed!.html)).toContain('确认订阅')
    const unsubscribeUrl = headerOf(mail, 'List-Unsubscribe')!.replace(/^<|>$/g, '')
    expect(unsubscribeUrl).toMatch(/^http:\/\/127\.0\.0\.1:3000\/subscribe\/unsubscribe\/[\w-]+\.[\w-]+$/)
    expect(headerOf(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click')
    // The text part's footer has the same link.
    expect(linksIn(mail)).toContain(unsubscribeUrl)
    const confirmUrl = linksIn(mail).find((l) => l.includes('/subscribe/confirm?t='))!
    expect(confirmUrl).toBeTruthy()
    // The HTML part carries the same link.
    expect(hrefsIn(mail)).toContain(confirmUrl)

    // Opening the link never confirms by itself (mail scanners open links too).
    const opened = await c.get(pathOf(confirmUrl))
    expect(opened.status).toBe(200)
    expect(textOf(opened.html)).toContain('A-02 · 甲二网格（甲社区）')
    expect((await find('zhang.san@example.org'))!.status).toBe('pending')
    const done = await c.post('/subscribe/confirm', { t: inputValue(opened.html, 't')!, csrf: inputValue(opened.html, 'csrf')! })
    expect(done.status).toBe(303)
    const location = done.res.headers.get('location')!
    expect(location).toMatch(/^\/subscribe\/preferences\?t=.+&m=confirmed$/)
    const active = (await find('zhang.san@example.org'))!
    expect(active.status).toBe('active')
    expect(active.confirmedAt).toBeTruthy()
    // Confirming is what the resident did: the consents are recorded now, with the versions of the texts they were shown.
    expect(active.consents!.map((x) => [x.purpose, x.granted, x.textVersion, x.method, x.at])).toEqual([
      ['content', true, consentVersion('content'), 'web', active.confirmedAt],
      ['statistics', true, consentVersion('statistics'), 'web', active.confirmedAt],
    ])
    expect(active.pendingRequest ?? null).toBeNull()
    const prefs = await c.get(location)
    expect(prefs.status).toBe(200)
    expect(textOf(prefs.html)).toContain('订阅成功')
    expect(textOf(prefs.html)).toContain('zhang.san@example.org')

    // The same link again: already confirmed, nothing changes, no error.
    const again = await c.get(pathOf(confirmUrl))
    expect(again.status).toBe(303)
    expect(again.res.headers.get('location')).toMatch(/&m=already$/)
    const replay = await c.post('/subscribe/confirm', { t: inputValue(opened.html, 't')!, csrf: inputValue(opened.html, 'csrf')! })
    expect(replay.status).toBe(303)
    expect((await find('zhang.san@example.org'))!.confirmedAt).toBe(active.confirmedAt)
  })

  it('explains an altered, a forged, an expired and a replaced link, and confirms nothing', async () => {
    const c = client()
    w.smtp.reset()
    await subscribeAs(c, { email: 'li.si@example.org' })
    await waitForMails(w.smtp, 1)
    const confirmUrl = linksIn(mailsTo(w.smtp, 'li.si@example.org')[0]).find((l) => l.includes('/confirm?t='))!
    const token = new URL(confirmUrl).searchParams.get('t')!
    const s = (await find('li.si@example.org'))!

    const altered = token.slice(0, -3) + (token.endsWith('AAA') ? 'BBB' : 'AAA')
    const r1 = await c.get(`/subscribe/confirm?t=${encodeURIComponent(altered)}`)
    expect(r1.status).toBe(400)
    expect(textOf(r1.html)).toContain('链接不完整或已被改动')

    // A token signed with another key (someone who does not know PAYLOAD_SECRET).
    const [body] = token.split('.')
    const forged = `${body}.${Buffer.alloc(16, 7).toString('base64url')}`
    expect((await c.get(`/subscribe/confirm?t=${forged}`)).status).toBe(400)
    // A genuine token for another purpose is no confirmation.
    expect((await c.get(`/subscribe/confirm?t=${signToken('prefs', s.ref)}`)).status).toBe(400)
    expect((await c.get('/subscribe/confirm?t=garbage')).status).toBe(400)
    expect((await c.get(`/subscribe/confirm?t=${'x'.repeat(5000)}`)).status).toBe(400)

    const expired = signToken('confirm', s.ref, { ttlSeconds: 7 * 86400, data: s.confirmNonce!, now: Date.now() - 8 * 86400_000 })
    const r2 = await c.get(`/subscribe/confirm?t=${encodeURIComponent(expired)}`)
    expect(r2.status).toBe(410)
    expect(textOf(r2.html)).toContain('确认链接的有效期是 7 天，这个链接已经过期。请重新订阅')
    expect(r2.html).toContain('href="/subscribe"')
    // POSTing the expired token directly is refused the same way.
    const page = await c.get('/subscribe')
    expect((await c.post('/subscribe/confirm', { t: expired, csrf: inputValue(page.html, 'csrf')! })).status).toBe(410)

    // A token from an older request (another nonce) does not confirm.
    const replaced = signToken('confirm', s.ref, { ttlSeconds: 3600, data: 'an-older-nonce' })
    const r3 = await c.get(`/subscribe/confirm?t=${encodeURIComponent(replaced)}`)
    expect(r3.status).toBe(409)
    expect(textOf(r3.html)).toContain('请使用最新一封邮件中的链接')
    expect((await find('li.si@example.org'))!.status).toBe('pending')
  })

  it('answers a repeat request exactly like a new one, changes nothing, and mails the preferences link instead', async () => {
    const c = client()
    w.smtp.reset()
    await subscribeAs(c, { email: 'wang.wu@example.org', grid: 'A-01', topics: ['issues'] })
    await waitForMails(w.smtp, 1)
    const confirmUrl = linksIn(mailsTo(w.smtp, 'wang.wu@example.org')[0]).find((l) => l.includes('/confirm?t='))!
    const opened = await c.get(pathOf(confirmUrl))
    await c.post('/subscribe/confirm', { t: inputValue(opened.html, 't')!, csrf: inputValue(opened.html, 'csrf')! })
    const before = (await find('wang.wu@example.org'))!
    expect(before.status).toBe('active')

    w.smtp.reset()
    const repeat = await subscribeAs(client(), { email: 'WANG.WU@example.org', grid: 'B-01', topics: ['events'] })
    const fresh = await subscribeAs(client(), { email: 'zhao.liu@example.org', grid: 'B-01', topics: ['events'] })
    expect(repeat.status).toBe(fresh.status)
    expect(repeat.html).toBe(fresh.html)
    expect(repeat.res.headers.get('content-length')).toBe(fresh.res.headers.get('content-length'))

    const after = (await find('wang.wu@example.org'))!
    expect(after.grid).toEqual(before.grid)
    expect(after.topics).toEqual(['issues'])
    expect(after.consents).toHaveLength(before.consents!.length)
    await waitForMails(w.smtp, 2)
    const [mail] = mailsTo(w.smtp, 'wang.wu@example.org')
    expect(mail.parsed!.subject).toBe('您已订阅《聚焦徐碧》')
    expect(mail.parsed!.text).toContain('您的选择没有改变')
    const prefsUrl = linksIn(mail).find((l) => l.includes('/subscribe/preferences?t='))!
    expect((await client().get(pathOf(prefsUrl))).status).toBe(200)
    expect(headerOf(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click')
    expect(mailsTo(w.smtp, 'zhao.liu@example.org')[0].parsed!.subject).toBe('请确认订阅《聚焦徐碧》')
  })

  it('takes an unsubscribed address through the confirmation again, and an old confirmation link cannot revive it', async () => {
    const c = client()
    w.smtp.reset()
    await subscribeAs(c, { email: 'chen.qi@example.org' })
    await waitForMails(w.smtp, 1)
    const firstConfirm = linksIn(mailsTo(w.smtp, 'chen.qi@example.org')[0]).find((l) => l.includes('/confirm?t='))!
    const opened = await c.get(pathOf(firstConfirm))
    await c.post('/subscribe/confirm', { t: inputValue(opened.html, 't')!, csrf: inputValue(opened.html, 'csrf')! })
    const unsub = linksIn(mailsTo(w.smtp, 'chen.qi@example.org')[0]).find((l) => l.includes('/unsubscribe/'))!
    expect((await fetch(new URL(pathOf(unsub), w.site.base), { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(200)
    expect((await find('chen.qi@example.org'))!.status).toBe('unsubscribed')

    const old = await c.get(pathOf(firstConfirm))
    expect(old.status).toBe(409)
    expect(textOf(old.html)).toContain('这个邮箱已经退订')
    expect((await find('chen.qi@example.org'))!.status).toBe('unsubscribed')

    w.smtp.reset()
    await subscribeAs(client(), { email: 'chen.qi@example.org', grid: 'B-01' })
    // Still unsubscribed until the owner of the mailbox confirms (docs/privacy.md).
    const again = (await find('chen.qi@example.org'))!
    expect(again.status).toBe('unsubscribed')
    await waitForMails(w.smtp, 1)
    const newConfirm = linksIn(mailsTo(w.smtp, 'chen.qi@example.org')[0]).find((l) => l.includes('/confirm?t='))!
    expect(newConfirm).not.toBe(firstConfirm)
    const o2 = await c.get(pathOf(newConfirm))
    expect((await c.post('/subscribe/confirm', { t: inputValue(o2.html, 't')!, csrf: inputValue(o2.html, 'csrf')! })).status).toBe(303)
    expect((await find('chen.qi@example.org'))!.status).toBe('active')
  })
})

describe('rate limits', () => {
  /**
   * Limits count in fixed windows (store/rateLimits.ts): a run of requests
   * that straddles a window's end starts counting again. Start each run with
   * enough of the window left.
   */
  const awayFromWindowEdge = async (windowMs: number, needMs = 15_000) => {
    const left = windowMs - (Date.now() % windowMs)
    if (left < needMs) await new Promise((r) => setTimeout(r, left + 50))
  }

  it('refuses a fourth request for one address within the hour with 429, Retry-After and a Chinese message', async () => {
    w.smtp.reset()
    await awayFromWindowEdge(3_600_000)
    const statuses: number[] = []
    let last: Awaited<ReturnType<typeof subscribeAs>> | null = null
    for (let i = 0; i < 4; i++) {
      last = await subscribeAs(client(), { email: 'busy@example.org' })
      statuses.push(last.status)
    }
    expect(statuses).toEqual([200, 200, 200, 429])
    expect(Number(last!.res.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(Number(last!.res.headers.get('retry-after'))).toBeLessThanOrEqual(3600)
    expect(textOf(last!.html)).toMatch(/操作太频繁了，请 \d+ 分钟后再试/)
    await waitForMails(w.smtp, 3)
    expect(mailsTo(w.smtp, 'busy@example.org')).toHaveLength(3)
  })

  it('refuses the 31st subscribe request from one IP within ten minutes', async () => {
    await awayFromWindowEdge(600_000)
    const c = client()
    const page = await c.get('/subscribe')
    const csrf = inputValue(page.html, 'csrf')!
    const statuses: number[] = []
    // Invalid forms count too: the limit protects the server, not only the mailboxes.
    for (let i = 0; i < 31; i++) statuses.push((await c.post('/subscribe', subscribeForm(csrf, { email: `ip${i}@`, grid: 'A-01' }))).status)
    expect(statuses.slice(0, 30).every((s) => s === 400)).toBe(true)
    expect(statuses[30]).toBe(429)
    // Another IP is not affected.
    expect((await subscribeAs(client(), { email: 'other-ip@example.org' })).status).toBe(200)
  })

  it('limits confirmations per IP (61st link check in ten minutes)', async () => {
    await awayFromWindowEdge(600_000)
    const c = client()
    const statuses: number[] = []
    for (let i = 0; i < 61; i++) statuses.push((await c.get(`/subscribe/confirm?t=bad${i}`)).status)
    expect(statuses.slice(0, 60).every((s) => s === 400)).toBe(true)
    expect(statuses[60]).toBe(429)
  })
})
