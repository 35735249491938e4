import type { Payload } from 'payload'
import webpush from 'web-push'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { closeDeliveryChannels } from '../../src/delivery/channels'
import { smallStreet, type Id } from '../support/fixtures'
import { testPayload } from '../support/payload'
import { startPushService, type PushService, type TestSubscription } from '../support/push-service'
import { addSubscribers, deliveriesOf, drain, publishIssue } from './support'

/**
 * The pipeline's streak guard on web push (src/delivery/suppression.ts, the push driver's restore in
 * src/delivery/pushRestore.ts): the local push service answering 410 to every endpoint for a while
 * is the service's fault, not the devices': the delivery pauses, the devices removed are put back,
 * and resumed it pushes to each resident once. A single expired subscription stays removed.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let service: PushService
let seq = 0
const VAPID = webpush.generateVAPIDKeys()
const ENV = ['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY', 'VAPID_SUBJECT', 'DELIVERY_BATCH_SIZE', 'DELIVERY_CONCURRENCY', 'DELIVERY_RETRY_BASE_MS', 'PUSH_TRUSTED_ORIGINS']

type Device = { sub: TestSubscription; subscriber: Id }
async function device(subscriber: Id): Promise<Device> {
  const sub = service.subscribe({ applicationServerKey: VAPID.publicKey })
  await payload.db.create({
    collection: 'push-subscriptions',
    data: { endpoint: sub.endpoint, keys: sub.keys, subscriber, userAgent: `测试浏览器 ${sub.id}` },
    req: { transactionID: undefined } as never,
  })
  return { sub, subscriber }
}

type Row = { endpoint: string; keys: { p256dh: string; auth: string }; subscriber: Id | { id: Id }; userAgent?: string | null; createdAt?: string }
const rowOf = async (d: Device) => (await payload.db.findOne({ collection: 'push-subscriptions', where: { endpoint: { equals: d.sub.endpoint } } })) as unknown as Row | null
const pushRow = async (id: Id) => (await deliveriesOf(payload, 'issues', id)).find((d) => d.channel === 'webpush')!
const pushedTo = (d: Device) => service.messages.filter((m) => m.subscriptionId === d.sub.id).length
const goneReceipts = async (delivery: Id) =>
  (await payload.db.count({ collection: 'delivery-receipts', where: { and: [{ delivery: { equals: String(delivery) } }, { status: { equals: 'gone' } }] } })).totalDocs

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  service = await startPushService()
  delete process.env.SMTP_URL
  Object.assign(process.env, {
    VAPID_PUBLIC_KEY: VAPID.publicKey,
    VAPID_PRIVATE_KEY: VAPID.privateKey,
    VAPID_SUBJECT: 'mailto:news@street.test',
    // One batch holds the whole audience; two sends in flight, so answers in flight at the trip join the streak.
    DELIVERY_BATCH_SIZE: '50',
    DELIVERY_CONCURRENCY: '2',
    DELIVERY_RETRY_BASE_MS: '20',
    PUSH_TRUSTED_ORIGINS: service.origin,
  })
})

beforeEach(async () => {
  service.reset()
  seq++
  await payload.db.updateMany({ collection: 'subscribers', where: { status: { in: ['active', 'suppressed'] } }, data: { status: 'unsubscribed' } })
})

afterAll(async () => {
  for (const k of ENV) delete process.env[k]
  await closeDeliveryChannels()
  await service?.close()
  await payload?.destroy()
})

describe('the streak guard on web push', () => {
  it('a push service answering 410 to every device pauses the delivery and puts the devices back; resumed, each resident is pushed once', async () => {
    const people = await addSubscribers(payload, 12, { grid: street.gridA1.id, prefix: `ps${seq}-`, channels: ['webpush'] })
    const devices: Device[] = []
    for (const p of people) devices.push(await device(p.id))
    // The first resident has a second browser: both of their devices are refused, both come back.
    devices.push(await device(people[0].id))
    const before = await Promise.all(devices.map(rowOf))
    // The push service (or a proxy before it) answers 410 to every endpoint for a while.
    service.failNext(1000, 410)
    const issue = await publishIssue(payload, `第${seq}期社区通讯：推送服务故障`)
    await drain(payload)

    const paused = await pushRow(issue.id)
    // Every answer was 410 until the trip, so each refused resident is one of the streak.
    const refused = new Set(service.rejections.map((r) => devices.find((d) => d.sub.id === r.subscriptionId)!.subscriber))
    expect(service.rejections.every((r) => r.status === 410)).toBe(true)
    expect(refused.size).toBeGreaterThanOrEqual(10)
    expect(refused.size).toBeLessThan(12)
    expect(paused).toMatchObject({ status: 'paused', submitted: 0, gone: 0 })
    expect(paused.reason).toBe(
      `连续 ${refused.size} 位居民的推送订阅被推送服务同一答复拒收（410），更像是推送服务的问题，已暂停，这些推送订阅已恢复。请检查推送服务或代理后点击继续。`,
    )
    expect(await goneReceipts(paused.id)).toBe(0)
    // Every device is there again, as it was: endpoint, keys, owner, browser, when it was registered.
    const after = await Promise.all(devices.map(rowOf))
    const shape = (r: Row | null) => r && { endpoint: r.endpoint, keys: r.keys, subscriber: String(typeof r.subscriber === 'object' ? r.subscriber.id : r.subscriber), userAgent: r.userAgent, createdAt: new Date(r.createdAt!).toISOString() }
    expect(after.map(shape)).toEqual(before.map(shape))
    expect(service.messages).toHaveLength(0)

    // The push service is fixed; the editor resumes.
    service.reset()
    await payload.update({ collection: 'deliveries', id: paused.id, data: { status: 'queued' } as never, user: street.editor, overrideAccess: false })
    await drain(payload)
    expect(await pushRow(issue.id)).toMatchObject({ status: 'done', total: 12, submitted: 12, gone: 0, failed: 0 })
    expect(devices.map(pushedTo)).toEqual(devices.map(() => 1))
    expect(service.rejections).toEqual([])
  })

  it('residents whose email bounced (suppressed) get their devices back from a streak on a correction notice, and are pushed it once', async () => {
    const people = await addSubscribers(payload, 12, { grid: street.gridA1.id, prefix: `pn${seq}-`, channels: ['email', 'webpush'] })
    const devices: Device[] = []
    for (const p of people) devices.push(await device(p.id))
    const issue = await publishIssue(payload, `第${seq}期社区通讯：邮箱退信后更正`)
    await drain(payload)
    expect(await pushRow(issue.id)).toMatchObject({ status: 'done', submitted: 12 })
    // Later their mailboxes bounced: the records are suppressed (by some email delivery); push still goes to them.
    const ids = people.map((p) => p.id)
    await payload.db.updateMany({ collection: 'subscribers', where: { id: { in: ids } }, data: { status: 'suppressed', suppressedBy: 'mail-1', suppressedCode: '5.1.1' } })
    const before = await Promise.all(devices.map(rowOf))

    service.reset()
    service.failNext(1000, 410)
    await payload.update({ collection: 'issues', id: issue.id, data: { title: `第${seq}期社区通讯：邮箱退信后（更正）`, _status: 'published', notice: true } as never, overrideAccess: true })
    await drain(payload)
    const notice = (await deliveriesOf(payload, 'issues', issue.id)).find((d) => d.channel === 'webpush' && d.kind === 'correction')!
    const refused = new Set(service.rejections.map((r) => devices.find((d) => d.sub.id === r.subscriptionId)!.subscriber))
    expect(refused.size).toBeGreaterThanOrEqual(10)
    expect(notice).toMatchObject({ status: 'paused', submitted: 0, gone: 0 })
    // The count is of devices actually put back: every refused resident's.
    expect(notice.reason).toBe(
      `连续 ${refused.size} 位居民的推送订阅被推送服务同一答复拒收（410），更像是推送服务的问题，已暂停，这些推送订阅已恢复。请检查推送服务或代理后点击继续。`,
    )
    const shape = (r: Row | null) => r && { endpoint: r.endpoint, keys: r.keys, subscriber: String(typeof r.subscriber === 'object' ? r.subscriber.id : r.subscriber) }
    expect((await Promise.all(devices.map(rowOf))).map(shape)).toEqual(before.map(shape))
    // Still suppressed: the streak restores their devices, not their mailbox.
    const { docs } = await payload.db.find({ collection: 'subscribers', where: { id: { in: ids } }, limit: 0, pagination: false })
    expect(docs.map((s) => (s as unknown as { status: string }).status)).toEqual(ids.map(() => 'suppressed'))

    service.reset()
    await payload.update({ collection: 'deliveries', id: notice.id, data: { status: 'queued' } as never, user: street.editor, overrideAccess: false })
    await drain(payload)
    expect((await deliveriesOf(payload, 'issues', issue.id)).find((d) => d.id === notice.id)).toMatchObject({ status: 'done', total: 12, submitted: 12, gone: 0, failed: 0 })
    expect(devices.map(pushedTo)).toEqual(devices.map(() => 1))
  })

  it('one expired subscription among devices that accept stays removed; the delivery goes on', async () => {
    const people = await addSubscribers(payload, 4, { grid: street.gridA1.id, prefix: `pe${seq}-`, channels: ['webpush'] })
    const devices: Device[] = []
    for (const p of people) devices.push(await device(p.id))
    service.expire(devices[1].sub.id)
    const issue = await publishIssue(payload, `第${seq}期社区通讯：一个过期订阅`)
    await drain(payload)
    const d = await pushRow(issue.id)
    expect(d).toMatchObject({ status: 'done', total: 4, submitted: 3, gone: 1, failed: 0 })
    expect(await goneReceipts(d.id)).toBe(1)
    expect(await rowOf(devices[1])).toBeNull()
    for (const i of [0, 2, 3]) expect(await rowOf(devices[i])).not.toBeNull()
    expect(devices.map(pushedTo)).toEqual([1, 0, 1, 1])
  })
})
