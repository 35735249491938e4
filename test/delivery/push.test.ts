import net from 'node:net'

import type { Payload } from 'payload'
import webpush from 'web-push'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { pushTopic } from '../../src/channels/webpush'
import { closeDeliveryChannels, setPushResolver } from '../../src/delivery/channels'
import { verifyTrack } from '../../src/readership/tokens'
import { smallStreet, type Id } from '../support/fixtures'
import { testPayload } from '../support/payload'
import { startPushService, type PushService, type TestSubscription } from '../support/push-service'
import { addSubscribers, deliveriesOf, drain, publishIssue } from './support'

/** Web-push deliveries against a local push service that checks VAPID and decrypts every message. */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let service: PushService
let seq = 0
const VAPID = webpush.generateVAPIDKeys()
/** What a hostile endpoint aims at: a server on 127.0.0.1 that only counts the connections it gets. */
let target: net.Server
let connections = 0
const HOSTILE_DNS: Record<string, string> = { 'push.rebind.example': '127.0.0.1', 'push.mapped.example': '::ffff:127.0.0.1', 'push.inside.example': '10.0.0.5' }

async function device(subscriber: Id): Promise<{ sub: TestSubscription; id: Id }> {
  const sub = service.subscribe({ applicationServerKey: VAPID.publicKey })
  const row = (await payload.db.create({
    collection: 'push-subscriptions',
    data: { endpoint: sub.endpoint, keys: sub.keys, subscriber, userAgent: 'test' },
    req: { transactionID: undefined } as never,
  })) as { id: Id }
  return { sub, id: row.id }
}

const pushDelivery = async (collection: string, id: Id) => (await deliveriesOf(payload, collection, id)).find((d) => d.channel === 'webpush')!
const devicesLeft = async (ids: Id[]) =>
  (await payload.find({ collection: 'push-subscriptions', where: { id: { in: ids } }, overrideAccess: true, limit: 0 })).docs.length

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  await payload.updateGlobal({ slug: 'site-settings', data: { streetName: '徐碧街道', periodicalName: '聚焦徐碧' } as never, overrideAccess: true })
  service = await startPushService()
  delete process.env.SMTP_URL
  Object.assign(process.env, {
    VAPID_PUBLIC_KEY: VAPID.publicKey,
    VAPID_PRIVATE_KEY: VAPID.privateKey,
    VAPID_SUBJECT: 'mailto:news@street.test',
    DELIVERY_BATCH_SIZE: '2',
    DELIVERY_CONCURRENCY: '2',
    DELIVERY_RETRY_BASE_MS: '20',
    DELIVERY_RETRY_MAX_MS: '1500',
    DELIVERY_MAX_ATTEMPTS: '3',
    // The local push service is plain http on 127.0.0.1: it is reached only because it is named here.
    PUSH_TRUSTED_ORIGINS: service.origin,
  })
  // Names of hostile endpoints resolve into our network; any other name does not resolve.
  setPushResolver(async (host) => {
    await new Promise((r) => setImmediate(r))
    const address = HOSTILE_DNS[host]
    if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
    return [{ address, family: net.isIP(address) }]
  })
  target = net.createServer((socket) => {
    connections++
    socket.destroy()
  })
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', () => resolve()))
})

beforeEach(async () => {
  service.reset()
  await payload.db.updateMany({ collection: 'subscribers', where: { status: { equals: 'active' } }, data: { status: 'unsubscribed' } })
  seq++
})

afterAll(async () => {
  setPushResolver(null)
  delete process.env.PUSH_TRUSTED_ORIGINS
  await new Promise<void>((resolve) => (target ? target.close(() => resolve()) : resolve()))
  await closeDeliveryChannels()
  await service?.close()
  await payload?.destroy()
})

describe('web push delivery', () => {
  it('every device of every recipient gets the decrypted payload: title, summary, icon, URL; urgency high for urgent; one topic per content; TTL', async () => {
    const people = await addSubscribers(payload, 3, { grid: street.gridA1.id, prefix: `p${seq}-`, channels: ['email', 'webpush'] })
    const devices = [await device(people[0].id), await device(people[0].id), await device(people[1].id), await device(people[2].id)]
    const issue = await publishIssue(payload, '紧急：明日停水', { urgent: true, summary: '甲一网格明日 8:00-12:00 停水' })
    await drain(payload)
    expect(service.rejections).toEqual([])
    expect(service.messages).toHaveLength(4)
    expect(new Set(service.messages.map((m) => m.subscriptionId))).toEqual(new Set(devices.map((d) => d.sub.id)))
    for (const m of service.messages) {
      const body = JSON.parse(m.payload!)
      expect(body.title).toBe('【紧急】紧急：明日停水')
      expect(body.body).toContain('甲一网格明日 8:00-12:00 停水')
      // The page with the recipient's read token: web push, their grid.
      expect(body.url.startsWith(`http://127.0.0.1:3000/issues/${issue.number}?r=`)).toBe(true)
      const read = verifyTrack(new URL(body.url).searchParams.get('r'), 'read')
      expect(read.ok && [read.token.channel, read.token.contentId, read.token.grid]).toEqual(['webpush', String(issue.id), String(street.gridA1.id)])
      expect(body.icon).toBe('http://127.0.0.1:3000/icons/icon-192.png')
      expect(m.urgency).toBe('high')
      expect(m.topic).toBe(pushTopic(`issues-${issue.id}`))
      expect(m.ttl).toBe(24 * 3600)
      expect(m.jwt?.sub).toBe('mailto:news@street.test')
    }
    expect(new Set(service.messages.map((m) => m.topic)).size).toBe(1)
    expect(await pushDelivery('issues', issue.id)).toMatchObject({ status: 'done', total: 3, submitted: 3, failed: 0 })
  })

  it('404 and 410 remove that device; 429 with Retry-After and 500 are retried; a recipient without devices is skipped', async () => {
    const people = await addSubscribers(payload, 5, { grid: street.gridA1.id, prefix: `p${seq}-`, channels: ['webpush'] })
    const expired = await device(people[0].id)
    const unknown = await device(people[1].id)
    const busy = await device(people[2].id)
    const flaky = await device(people[3].id)
    // people[4] has no device.
    service.expire(expired.sub.id)
    await payload.db.updateOne({ collection: 'push-subscriptions', id: unknown.id, data: { endpoint: `${service.origin}/push/nosuchsubscription${seq}` } })
    service.failFor(busy.sub.id, 429, { retryAfter: '1', times: 1 })
    service.failFor(flaky.sub.id, 500, { times: 2 })
    const issue = await publishIssue(payload, '推送故障')
    await drain(payload)
    expect(service.messages.map((m) => m.subscriptionId).sort()).toEqual([busy.sub.id, flaky.sub.id].sort())
    expect(service.rejections.map((r) => r.status).sort()).toEqual([404, 410, 429, 500, 500])
    expect(await devicesLeft([expired.id, unknown.id, busy.id, flaky.id])).toBe(2)
    const d = await pushDelivery('issues', issue.id)
    expect(d).toMatchObject({ status: 'done', submitted: 2, gone: 2, failed: 0, total: 5 })
    // The editor sees which refusals they were, not only the count.
    expect(d.lastErrors!.map((e) => [e.kind, e.code]).sort()).toEqual([['recipient-gone', '404'], ['recipient-gone', '410']])
  })

  it('never connects to a device endpoint inside our network, by address or by a name resolving there; removes those devices and still reaches the trusted service', async () => {
    const port = (target.address() as net.AddressInfo).port
    const people = await addSubscribers(payload, 2, { grid: street.gridA1.id, prefix: `p${seq}-`, channels: ['webpush'] })
    const good = await device(people[0].id)
    // Rows as an older version stored them, before the subscribe check refused such endpoints, or names that resolve inside.
    const hostile = [
      `https://push.rebind.example:${port}/push/a${seq}`,
      `https://[::ffff:127.0.0.1]:${port}/push/b${seq}`,
      `https://push.mapped.example:${port}/push/c${seq}`,
      `https://push.inside.example:${port}/push/d${seq}`,
      `http://127.0.0.1:${port}/push/e${seq}`,
    ]
    const rows: Id[] = []
    for (const [i, endpoint] of hostile.entries()) {
      const d = await device(people[i === 0 ? 0 : 1].id)
      await payload.db.updateOne({ collection: 'push-subscriptions', id: d.id, data: { endpoint } })
      rows.push(d.id)
    }
    connections = 0
    const issue = await publishIssue(payload, '内网地址')
    await drain(payload)
    expect(connections).toBe(0)
    expect(service.messages.map((m) => m.subscriptionId)).toEqual([good.sub.id])
    expect(await devicesLeft(rows)).toBe(0)
    expect(await devicesLeft([good.id])).toBe(1)
    const d = await pushDelivery('issues', issue.id)
    expect(d).toMatchObject({ status: 'done', submitted: 1, gone: 1, failed: 0, total: 2 })
    expect(d.lastErrors!.map((e) => [e.kind, e.code])).toEqual([['recipient-gone', 'refused-address']])
  })

  it('a long Retry-After defers the delivery instead of holding it; it resumes after the wait', async () => {
    const people = await addSubscribers(payload, 1, { grid: street.gridA1.id, prefix: `p${seq}-`, channels: ['webpush'] })
    const d1 = await device(people[0].id)
    service.failFor(d1.sub.id, 429, { retryAfter: '2', times: 1 })
    process.env.DELIVERY_RETRY_MAX_MS = '500'
    try {
      const issue = await publishIssue(payload, '稍后重试')
      await drain(payload)
      const waiting = await pushDelivery('issues', issue.id)
      expect(waiting.status).toBe('queued')
      expect(new Date(waiting.nextAttemptAt!).getTime()).toBeGreaterThan(Date.now())
      expect(service.messages).toHaveLength(0)
      await new Promise((r) => setTimeout(r, 2100))
      await drain(payload)
      expect(service.messages).toHaveLength(1)
      expect(await pushDelivery('issues', issue.id)).toMatchObject({ status: 'done', submitted: 1, resumes: 0, maxDuplicates: 0 })
    } finally {
      process.env.DELIVERY_RETRY_MAX_MS = '1500'
    }
  })
})
