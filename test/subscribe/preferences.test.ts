import type { Payload } from 'payload'
import webpush from 'web-push'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { SubscriberDoc } from '../../src/collections/Subscribers'
import { consentVersion, preferencesToken, unsubscribeToken } from '../../src/subscribers/service'
import { paths } from '../../src/templates/paths'
import { testPayload } from '../support/payload'
import { Client, inputValue, setUpStreet, startWorld, stopWorld, textOf, type World } from './support'

/**
 * The preferences page reached from a signed link (no password): see
 * everything stored, change grid, channels, topics and consents, add and
 * remove push devices, erase everything; and RFC 8058 one-click unsubscribe.
 */
let payload: Payload
let w: World
let n = 0
const vapid = webpush.generateVAPIDKeys()

beforeAll(async () => {
  payload = await testPayload()
  const street = await setUpStreet(payload)
  w = await startWorld(payload, street, { VAPID_PUBLIC_KEY: vapid.publicKey })
})
afterAll(async () => {
  if (w) await stopWorld(w)
  delete process.env.VAPID_PUBLIC_KEY
})

/** An active subscriber, as a confirmed web subscription leaves it. */
async function active(over: Record<string, unknown> = {}) {
  n++
  const at = new Date().toISOString()
  const s = (await payload.create({
    collection: 'subscribers',
    data: {
      email: `resident${n}@example.org`,
      grid: w.street.gridA1.id,
      channels: ['email'],
      topics: ['issues', 'events'],
      status: 'active',
      source: 'web',
      confirmedAt: at,
      consents: [
        { purpose: 'content', granted: true, at, textVersion: consentVersion('content'), method: 'web' },
        { purpose: 'statistics', granted: false, at, textVersion: consentVersion('statistics'), method: 'web' },
      ],
      ...over,
    } as never,
    overrideAccess: true,
  })) as unknown as SubscriberDoc
  return { s, prefs: paths.preferences(preferencesToken(s.ref)), unsub: paths.unsubscribe(unsubscribeToken(s.ref)) }
}

const reload = async (id: string | number) =>
  (await payload.findByID({ collection: 'subscribers', id, overrideAccess: true, depth: 0, disableErrors: true })) as unknown as SubscriberDoc | null

const device = (tail: string) => {
  const { publicKey } = webpush.generateVAPIDKeys()
  return { endpoint: `https://push.invalid/send/${tail}`, keys: { p256dh: publicKey, auth: Buffer.alloc(16, 3).toString('base64url') } }
}

async function openPrefs(c: Client, path: string) {
  const page = await c.get(path)
  return { ...page, t: inputValue(page.html, 't')!, csrf: inputValue(page.html, 'csrf')! }
}

describe('preferences', () => {
  it('shows everything stored about the resident, and is never cached or indexed', async () => {
    const { s, prefs } = await active()
    const c = new Client(w.site.base)
    const page = await c.get(prefs)
    expect(page.status).toBe(200)
    expect(page.res.headers.get('cache-control')).toBe('no-store')
    expect(page.html).toContain('<meta name="robots" content="noindex">')
    const text = textOf(page.html)
    for (const part of [s.email, '已订阅', 'A-01 · 甲一网格（甲社区）', '电子邮件', '期刊、活动通知', '接收订阅内容', '个人阅读统计', consentVersion('content'), '网页订阅']) {
      expect(text).toContain(part)
    }
    // The link secret is not printed anywhere but in the links themselves.
    expect(page.html.split(s.ref).length).toBe(1)
  })

  it('changes grid, topics and the statistics consent, recording the consent with time and version', async () => {
    const { s, prefs } = await active()
    const c = new Client(w.site.base)
    const p = await openPrefs(c, prefs)
    const saved = await c.post('/subscribe/preferences', { t: p.t, csrf: p.csrf, action: 'save', grid: 'B-01', channels: ['email'], topics: ['policies', 'announcements'], statistics: 'yes' })
    expect(saved.status).toBe(303)
    expect(saved.res.headers.get('location')).toMatch(/&m=saved$/)
    const after = (await reload(s.id))!
    expect(String(after.grid)).toBe(String(w.street.gridB1.id))
    expect(after.topics).toEqual(['policies', 'announcements'])
    const last = after.consents!.at(-1)!
    expect([last.purpose, last.granted, last.method, last.textVersion]).toEqual(['statistics', true, 'preferences', consentVersion('statistics')])
    expect(textOf((await c.get(saved.res.headers.get('location')!)).html)).toContain('已保存')

    // Withdrawing it is recorded too; saving without a change adds nothing.
    await c.post('/subscribe/preferences', { t: p.t, csrf: p.csrf, action: 'save', grid: 'B-01', channels: ['email'], topics: ['policies'] })
    await c.post('/subscribe/preferences', { t: p.t, csrf: p.csrf, action: 'save', grid: 'B-01', channels: ['email'], topics: ['policies'] })
    const consents = (await reload(s.id))!.consents!
    expect(consents.filter((x) => x.purpose === 'statistics').map((x) => x.granted)).toEqual([false, true, false])
  })

  it('refuses bad changes in Chinese, naming the field, and changes nothing', async () => {
    const { s, prefs } = await active()
    const c = new Client(w.site.base)
    const p = await openPrefs(c, prefs)
    const bad = await c.post('/subscribe/preferences', { t: p.t, csrf: p.csrf, action: 'save', grid: 'NOPE', channels: [], topics: [] })
    expect(bad.status).toBe(400)
    const text = textOf(bad.html)
    for (const m of ['网格：没有编号为“NOPE”的网格', '接收方式：请至少选择一种', '内容：请至少选择一项']) expect(text).toContain(m)
    expect((await c.post('/subscribe/preferences', { t: p.t, action: 'save', grid: 'B-01', channels: ['email'], topics: ['issues'] })).status).toBe(403)
    // A link for something else, or altered, opens nothing.
    expect((await c.get(`/subscribe/preferences?t=${encodeURIComponent(unsubscribeToken(s.ref))}`)).status).toBe(400)
    expect((await c.get(`${prefs}x`)).status).toBe(400)
    const after = (await reload(s.id))!
    expect(String(after.grid)).toBe(String(w.street.gridA1.id))
    expect(after.topics).toEqual(['issues', 'events'])
  })
})

describe('push devices', () => {
  it('stores several devices per subscriber from the preferences page, lists them, and removes them one by one', async () => {
    const { s, prefs } = await active()
    const c = new Client(w.site.base)
    const p = await openPrefs(c, prefs)
    expect(p.html).toContain(`data-vapid="${vapid.publicKey}"`)
    const post = (body: unknown, headers: Record<string, string> = { 'x-csrf-token': p.csrf }) =>
      fetch(new URL('/subscribe/push', w.site.base), {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: `sn_csrf=${c.cookies.get('sn_csrf')}`, 'user-agent': 'Mozilla/5.0 (Linux; Android 14) Chrome/130', ...headers },
        body: JSON.stringify(body),
      })
    expect((await post({ t: p.t, subscription: device('phone') })).status).toBe(201)
    expect((await post({ t: p.t, subscription: device('tablet') })).status).toBe(201)
    // The same browser again: still one row.
    expect((await post({ t: p.t, subscription: device('phone') })).status).toBe(201)
    expect((await payload.count({ collection: 'push-subscriptions', where: { subscriber: { equals: s.id } }, overrideAccess: true })).totalDocs).toBe(2)
    expect((await reload(s.id))!.channels).toEqual(['email', 'webpush'])

    // Refused: no CSRF header, an endpoint inside our network, malformed keys, a forged link.
    expect((await post({ t: p.t, subscription: device('x') }, {})).status).toBe(403)
    for (const endpoint of ['http://push.invalid/a', 'https://127.0.0.1/a', 'https://localhost/a', 'https://10.1.2.3/a', 'https://[::1]/a', 'not a url']) {
      const r = await post({ t: p.t, subscription: { ...device('y'), endpoint } })
      expect(r.status).toBe(400)
      expect((await r.json()).error).toContain('本设备没能开启网页推送')
    }
    expect((await post({ t: p.t, subscription: { endpoint: 'https://push.invalid/z', keys: { p256dh: 'short', auth: 'x' } } })).status).toBe(400)
    expect((await post({ t: `${p.t}x`, subscription: device('z') })).status).toBe(400)

    const page = await c.get(prefs)
    expect((page.html.match(/name="removeDevice"/g) ?? []).length).toBe(2)
    // Named as the resident would name it; the browser's own description stays in the title.
    expect(textOf(page.html)).toContain('Chrome · 安卓手机')
    expect(page.html).toContain('title="Mozilla/5.0 (Linux; Android 14) Chrome/130"')
    const ids = [...page.html.matchAll(/name="removeDevice" value="([^"]+)"/g)].map((m) => m[1])
    expect((await c.post('/subscribe/preferences', { t: p.t, csrf: p.csrf, action: 'remove-device', removeDevice: ids[0] })).status).toBe(303)
    expect((await reload(s.id))!.channels).toEqual(['email', 'webpush'])
    expect((await c.post('/subscribe/preferences', { t: p.t, csrf: p.csrf, action: 'remove-device', removeDevice: ids[1] })).status).toBe(303)
    expect((await payload.count({ collection: 'push-subscriptions', where: { subscriber: { equals: s.id } }, overrideAccess: true })).totalDocs).toBe(0)
    expect((await reload(s.id))!.channels).toEqual(['email'])
  })

  it('follows a browser whose push service replaced its subscription, vouched for by the old endpoint only', async () => {
    const { s } = await active()
    const old = device(`renew-old-${s.id}`)
    await payload.create({ collection: 'push-subscriptions', data: { ...old, subscriber: s.id } as never, overrideAccess: true })
    const renew = (body: unknown) =>
      fetch(new URL('/subscribe/push/renew', w.site.base), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const fresh = device(`renew-new-${s.id}`)

    // Unknown old endpoint, malformed new subscription: refused in Chinese, field named, nothing changed.
    const unknown = await renew({ old: 'https://push.example.net/never-ours', subscription: fresh })
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({ field: 'old', error: expect.stringContaining('找不到原来的推送登记') })
    const bad = await renew({ old: old.endpoint, subscription: { ...fresh, endpoint: 'https://10.0.0.1/inside' } })
    expect(bad.status).toBe(400)
    expect((await bad.json()).field).toBe('subscription')

    expect((await renew({ old: old.endpoint, subscription: fresh })).status).toBe(204)
    const rows = (await payload.find({ collection: 'push-subscriptions', where: { subscriber: { equals: s.id } }, overrideAccess: true, depth: 0 })).docs as unknown as {
      endpoint: string
      keys: { p256dh: string; auth: string }
    }[]
    expect(rows.map((r) => r.endpoint)).toEqual([fresh.endpoint])
    expect(rows[0].keys).toEqual(fresh.keys)
    // The old endpoint no longer vouches for anything.
    expect((await renew({ old: old.endpoint, subscription: device(`renew-third-${s.id}`) })).status).toBe(404)
  })

  it('does not let one resident remove another resident’s device', async () => {
    const a = await active()
    const b = await active()
    const d = await payload.create({ collection: 'push-subscriptions', data: { ...device(`b-${b.s.id}`), subscriber: b.s.id } as never, overrideAccess: true })
    const c = new Client(w.site.base)
    const p = await openPrefs(c, a.prefs)
    await c.post('/subscribe/preferences', { t: p.t, csrf: p.csrf, action: 'remove-device', removeDevice: String(d.id) })
    expect((await payload.count({ collection: 'push-subscriptions', where: { id: { equals: d.id } }, overrideAccess: true })).totalDocs).toBe(1)
  })
})

describe('one-click unsubscribe (RFC 8058)', () => {
  it('never unsubscribes on GET: it shows a button', async () => {
    const { s, unsub } = await active()
    const page = await new Client(w.site.base).get(unsub)
    expect(page.status).toBe(200)
    expect(page.html).toContain(`<form method="post" action="${unsub}">`)
    expect(textOf(page.html)).toContain('确认退订')
    expect((await reload(s.id))!.status).toBe('active')
  })

  it('unsubscribes on a POST with no cookie, takes the devices away, records the withdrawal, and is idempotent', async () => {
    const { s, unsub, prefs } = await active({ channels: ['email', 'webpush'] })
    await payload.create({ collection: 'push-subscriptions', data: { ...device(`u-${s.id}`), subscriber: s.id } as never, overrideAccess: true })
    const post = () =>
      fetch(new URL(unsub, w.site.base), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' })
    const r = await post()
    expect(r.status).toBe(200)
    expect(textOf(await r.text())).toContain('您已退订，不会再收到任何消息')
    const after = (await reload(s.id))!
    expect(after.status).toBe('unsubscribed')
    expect(after.unsubscribedAt).toBeTruthy()
    expect(after.channels).toEqual(['email'])
    const last = after.consents!.at(-1)!
    expect([last.purpose, last.granted, last.method]).toEqual(['content', false, 'link'])
    expect((await payload.count({ collection: 'push-subscriptions', where: { subscriber: { equals: s.id } }, overrideAccess: true })).totalDocs).toBe(0)
    expect((await post()).status).toBe(200)
    expect((await reload(s.id))!.consents).toHaveLength(after.consents!.length)

    // The preferences link still opens, shows the state, and can subscribe again.
    const c = new Client(w.site.base)
    const p = await openPrefs(c, prefs)
    expect(textOf(p.html)).toContain('您的订阅状态：已退订')
    const again = await c.post('/subscribe/preferences', { t: p.t, csrf: p.csrf, action: 'resubscribe' })
    expect(again.status).toBe(303)
    const back = (await reload(s.id))!
    expect(back.status).toBe('active')
    expect(back.consents!.at(-1)).toMatchObject({ purpose: 'content', granted: true, method: 'preferences' })
  })

  it('accepts the one-click POST as multipart/form-data too, and refuses forged tokens without touching anyone', async () => {
    const { s, unsub } = await active()
    const fd = new FormData()
    fd.append('List-Unsubscribe', 'One-Click')
    expect((await fetch(new URL(unsub, w.site.base), { method: 'POST', body: fd })).status).toBe(200)
    expect((await reload(s.id))!.status).toBe('unsubscribed')

    const other = await active()
    const forged = `${unsubscribeToken(other.s.ref).split('.')[0]}.${Buffer.alloc(16).toString('base64url')}`
    const r = await fetch(new URL(`/subscribe/unsubscribe/${forged}`, w.site.base), { method: 'POST', body: 'List-Unsubscribe=One-Click' })
    expect(r.status).toBe(400)
    expect((await reload(other.s.id))!.status).toBe('active')
    // A preferences token is not an unsubscribe token.
    expect((await fetch(new URL(`/subscribe/unsubscribe/${preferencesToken(other.s.ref)}`, w.site.base), { method: 'POST' })).status).toBe(400)
    expect((await reload(other.s.id))!.status).toBe('active')
  })
})

describe('erasure', () => {
  it('deletes the subscriber and its devices in one step; its links then say so', async () => {
    const { s, prefs, unsub } = await active({ channels: ['email', 'webpush'] })
    await payload.create({ collection: 'push-subscriptions', data: { ...device(`e-${s.id}`), subscriber: s.id } as never, overrideAccess: true })
    const c = new Client(w.site.base)
    const p = await openPrefs(c, prefs)
    expect((await c.post('/subscribe/erase', { t: p.t })).status).toBe(403)
    const r = await c.post('/subscribe/erase', { t: p.t, csrf: p.csrf })
    expect(r.status).toBe(200)
    expect(textOf(r.html)).toContain('您的全部订阅信息已删除')
    expect(await reload(s.id)).toBeNull()
    expect((await payload.count({ collection: 'subscribers', where: { email: { equals: s.email } }, overrideAccess: true })).totalDocs).toBe(0)
    expect((await payload.count({ collection: 'push-subscriptions', where: { subscriber: { equals: s.id } }, overrideAccess: true })).totalDocs).toBe(0)
    const gone = await c.get(prefs)
    expect(gone.status).toBe(404)
    expect(textOf(gone.html)).toContain('这个链接对应的订阅已被删除')
    const unsubGone = await c.get(unsub)
    expect(unsubGone.status).toBe(404)
    expect(textOf(unsubGone.html)).toContain('您不会再收到任何消息')
  })

  it('never lets an old link reach a new subscriber, even where the database reuses the id', async () => {
    const first = await active()
    const c = new Client(w.site.base)
    const p = await openPrefs(c, first.prefs)
    await c.post('/subscribe/erase', { t: p.t, csrf: p.csrf })
    const second = await active()
    const old = await c.get(first.prefs)
    expect(old.status).toBe(404)
    expect(old.html).not.toContain(second.s.email)
  })
})
