import net from 'node:net'

import type { Payload, PayloadRequest } from 'payload'
import webpush from 'web-push'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { closeDeliveryChannels, setPushResolver } from '../../src/delivery/channels'
import { testSendEndpoint } from '../../src/delivery/endpoints'
import { smallStreet } from '../support/fixtures'
import { testPayload } from '../support/payload'
import { startPushService, type PushService } from '../support/push-service'
import { deliveriesOf, richBody } from './support'

/**
 * Test-send of a content's web push to the editor's own device, against the
 * local push service (VAPID checked, body decrypted with the device's key).
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let service: PushService
const VAPID = webpush.generateVAPIDKeys()

type Answer = { ok?: boolean; kind?: string; message: string; code?: number | string; errors?: { field: string; message: string }[] }
const call = async (user: unknown, body: unknown) => {
  const res = await testSendEndpoint({ payload, user, json: async () => body, i18n: { language: 'zh' } } as unknown as PayloadRequest)
  return { status: res.status, body: (await res.json()) as Answer }
}
const deviceOf = (sub: { endpoint: string; keys: { p256dh: string; auth: string } }) => ({ endpoint: sub.endpoint, keys: sub.keys })

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  await payload.updateGlobal({ slug: 'site-settings', data: { streetName: '徐碧街道', periodicalName: '聚焦徐碧' } as never, overrideAccess: true })
  service = await startPushService()
})

beforeEach(() => {
  service.reset()
  Object.assign(process.env, {
    VAPID_PUBLIC_KEY: VAPID.publicKey,
    VAPID_PRIVATE_KEY: VAPID.privateKey,
    VAPID_SUBJECT: 'mailto:news@street.test',
    // The local push service is plain http on 127.0.0.1: only a trusted origin may be that.
    PUSH_TRUSTED_ORIGINS: service.origin,
  })
})

afterAll(async () => {
  delete process.env.PUSH_TRUSTED_ORIGINS
  await closeDeliveryChannels()
  await service?.close()
  await payload?.destroy()
})

describe('test-send by web push', () => {
  it("pushes a draft issue's message, marked as a test, to the editor's device, and records no delivery", async () => {
    const draft = (await payload.create({
      collection: 'issues',
      data: { title: '第十二期预告', summary: '社区食堂开张', urgent: true, articles: [{ title: 'a', body: richBody('x') }], _status: 'draft' } as never,
      overrideAccess: true,
      draft: true,
    })) as { id: string | number; number?: number | null }
    const sub = service.subscribe({ applicationServerKey: VAPID.publicKey })

    const r = await call(street.editor, { collection: 'issues', id: draft.id, channel: 'webpush', subscription: deviceOf(sub) })
    expect(r).toMatchObject({ status: 200, body: { ok: true, message: '测试推送已发送到本设备，稍后会出现通知。' } })
    expect(service.rejections).toEqual([])
    expect(service.messages).toHaveLength(1)
    const m = service.messages[0]
    expect(m.subscriptionId).toBe(sub.id)
    expect(m.jwt).toMatchObject({ aud: service.origin, sub: 'mailto:news@street.test' })
    expect(m.urgency).toBe('high')
    // No topic: a test must not replace a real message for the same content.
    expect(m.topic).toBeUndefined()
    const shown = JSON.parse(m.payload!)
    expect(shown.title).toBe('【测试】【紧急】第十二期预告')
    // A draft issue has no number yet (it takes one when first published), so no page of its own.
    expect(draft.number ?? null).toBeNull()
    expect(shown.body).toBe('聚焦徐碧 未编号：社区食堂开张')
    expect(shown.url).toBe('http://127.0.0.1:3000/')
    expect(shown.icon).toBe('http://127.0.0.1:3000/icons/icon-192.png')
    expect(shown.tag).toBe(`issues-${draft.id}`)
    expect(await deliveriesOf(payload, 'issues', draft.id)).toHaveLength(0)
  })

  it('bad input is refused with the field named in Chinese; only trusted origins may be private or plain http', async () => {
    const ann = await payload.create({
      collection: 'announcements',
      data: { title: '停水通知', grids: [street.gridA1.id], body: richBody('周六停水'), _status: 'draft' } as never,
      overrideAccess: true,
      draft: true,
    })
    const unknown = await call(street.editor, { collection: 'announcements', id: ann.id, channel: 'wechat', to: 'a@mail.test' })
    expect(unknown.status).toBe(400)
    expect(unknown.body.errors).toEqual([{ field: 'channel', message: '测试发送的渠道只能是电子邮件、网页推送或短信。' }])

    const missing = await call(street.editor, { collection: 'announcements', id: ann.id, channel: 'webpush' })
    expect(missing.status).toBe(400)
    expect(missing.body.errors).toEqual([{ field: 'subscription', message: '没有收到本设备有效的推送订阅，请允许通知后重试。' }])

    const sub = service.subscribe()
    const badKeys = await call(street.editor, { collection: 'announcements', id: ann.id, channel: 'webpush', subscription: { endpoint: sub.endpoint, keys: { p256dh: 'abc', auth: sub.keys.auth } } })
    expect(badKeys.status).toBe(400)
    expect(badKeys.body.errors!.map((e) => e.field)).toEqual(['subscription'])

    // The same local service, no longer trusted: the server never posts to a private address for anyone.
    process.env.PUSH_TRUSTED_ORIGINS = 'http://127.0.0.1:1'
    const untrusted = await call(street.editor, { collection: 'announcements', id: ann.id, channel: 'webpush', subscription: deviceOf(sub) })
    expect(untrusted.status).toBe(400)
    expect(untrusted.body.errors!.map((e) => e.field)).toEqual(['subscription'])
    expect(service.stats.received).toBe(0)

    process.env.PUSH_TRUSTED_ORIGINS = service.origin
    expect((await call(street.leaderA, { collection: 'announcements', id: ann.id, channel: 'webpush', subscription: deviceOf(sub) })).status).toBe(403)
    expect(service.stats.received).toBe(0)
  })

  it('with no trusted origin, a device inside our network, by address or by a name resolving there, is refused without a connection', async () => {
    const target = net.createServer((socket) => {
      connections++
      socket.destroy()
    })
    let connections = 0
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', () => resolve()))
    const port = (target.address() as net.AddressInfo).port
    setPushResolver(async (host) => {
      await new Promise((r) => setImmediate(r))
      if (host !== 'push.rebind.example') throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
      return [{ address: '127.0.0.1', family: 4 }]
    })
    try {
      delete process.env.PUSH_TRUSTED_ORIGINS
      const policy = await payload.create({
        collection: 'policies',
        data: { title: '医保政策解读', summary: '新规', body: richBody('……'), _status: 'draft' } as never,
        overrideAccess: true,
        draft: true,
      })
      const sub = service.subscribe()
      const send = (endpoint: string) => call(street.editor, { collection: 'policies', id: policy.id, channel: 'webpush', subscription: { endpoint, keys: sub.keys } })
      for (const endpoint of [`https://[::ffff:127.0.0.1]:${port}/push/x`, `https://[::ffff:a00:5]:${port}/push/x`, `https://2130706433:${port}/push/x`, sub.endpoint]) {
        const r = await send(endpoint)
        expect(r.status, endpoint).toBe(400)
        expect(r.body.errors!.map((e) => e.field)).toEqual(['subscription'])
      }
      // A public-looking name passes the first check; its address is checked when connecting.
      const named = await send(`https://push.rebind.example:${port}/push/x`)
      expect(named.status).toBe(502)
      expect(named.body).toMatchObject({ ok: false, kind: 'recipient-gone', code: 'refused-address' })
      expect(named.body.message).toContain('本设备的推送地址指向内部网络或保留地址')
      expect(connections).toBe(0)
      expect(service.stats.received).toBe(0)
    } finally {
      setPushResolver(null)
      await new Promise<void>((resolve) => target.close(() => resolve()))
    }
  })

  it('a device the push service no longer knows, and a channel not configured, come back in Chinese', async () => {
    const policy = await payload.create({
      collection: 'policies',
      data: { title: '养老补贴解读', summary: '谁能领、怎么领', body: richBody('年满八十周岁的老人……'), _status: 'draft' } as never,
      overrideAccess: true,
      draft: true,
    })
    const sub = service.subscribe()
    service.expire(sub.id)
    const gone = await call(street.editor, { collection: 'policies', id: policy.id, channel: 'webpush', subscription: deviceOf(sub) })
    expect(gone.status).toBe(502)
    expect(gone.body.message).toBe('测试推送未能发出：推送服务表示本设备的订阅已失效（410）')

    delete process.env.VAPID_PRIVATE_KEY
    const off = await call(street.editor, { collection: 'policies', id: policy.id, channel: 'webpush', subscription: deviceOf(service.subscribe()) })
    expect(off.status).toBe(409)
    // An editor is told whom to ask; only an admin reads the names of the settings.
    expect(off.body.message).toBe('网页推送通道未配置，请联系管理员。')
    const offAdmin = await call(street.admin, { collection: 'policies', id: policy.id, channel: 'webpush', subscription: deviceOf(service.subscribe()) })
    expect(offAdmin.status).toBe(409)
    expect(offAdmin.body.message).toBe('网页推送未配置（缺少 VAPID_PUBLIC_KEY、VAPID_PRIVATE_KEY 或 VAPID_SUBJECT），本次未推送。')
  })
})
