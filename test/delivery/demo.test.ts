import type { Payload } from 'payload'
import webpush from 'web-push'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { type DeliveryDoc, UNFINISHED } from '../../src/collections/Deliveries'
import { closeDeliveryChannels } from '../../src/delivery/channels'
import { forgetWechatClient } from '../../src/delivery/wechat'
import { runReadershipJobs } from '../../src/jobs/readership'
import { runDueJobs } from '../../src/jobs/scheduler'
import { seedDemo } from '../../src/seed/demo'
import type { Id } from '../support/fixtures'
import { testPayload } from '../support/payload'
import { startPushService, type PushService } from '../support/push-service'
import { startSmtpServer, type SmtpTestServer } from '../support/smtp-server'
import { startWechatEmulator, type WechatEmulator } from '../support/wechat-emulator'
import { addSubscribers, richBody } from './support'

/**
 * Loading the demo street never publishes. With every channel configured
 * (SMTP, web push and WeChat pointed at their local stand-ins) and residents
 * already subscribed in a grid the demo uses, loading the demo street and a
 * few scheduler ticks (the WeChat figures import included) make no call to
 * any of them and leave no delivery waiting. A real publication afterwards
 * reaches all three, so the stand-ins were listening.
 */
let payload: Payload
let smtp: SmtpTestServer
let push: PushService
let emu: WechatEmulator
const VAPID = webpush.generateVAPIDKeys()

const allDeliveries = async () =>
  (await payload.find({ collection: 'deliveries', limit: 0, overrideAccess: true, depth: 0 })).docs as unknown as DeliveryDoc[]
const calls = () => ({ smtpConnections: smtp.connections(), smtpMessages: smtp.accepted(), pushRequests: push.stats.received, wechatCalls: emu.calls.length })

beforeAll(async () => {
  payload = await testPayload()
  smtp = await startSmtpServer()
  push = await startPushService()
  emu = await startWechatEmulator()
  Object.assign(process.env, {
    SMTP_URL: smtp.url,
    MAIL_FROM: '聚焦徐碧 <news@street.test>',
    VAPID_PUBLIC_KEY: VAPID.publicKey,
    VAPID_PRIVATE_KEY: VAPID.privateKey,
    VAPID_SUBJECT: 'mailto:news@street.test',
    // The local push service is plain http on 127.0.0.1: the outbound guard lets it through only when
    // named here; otherwise the device is refused unsent, and "nothing was pushed" would prove nothing.
    PUSH_TRUSTED_ORIGINS: push.origin,
    WECHAT_APP_ID: emu.appId,
    WECHAT_APP_SECRET: emu.appSecret,
    WECHAT_API_BASE: emu.url,
    WECHAT_POLL_FIRST_SECONDS: '0.05',
    WECHAT_POLL_MAX_SECONDS: '0.2',
  })
  forgetWechatClient()
})

afterAll(async () => {
  delete process.env.PUSH_TRUSTED_ORIGINS
  await closeDeliveryChannels()
  await smtp?.close()
  await push?.close()
  await emu?.close()
  await payload?.destroy()
})

describe('the demo street', () => {
  it('loads with every channel configured and residents subscribed, and nothing is sent, now or at later ticks', async () => {
    // Residents of 徐碧第1网格 (the demo's first grid, which its announcement is for), by email and on a device.
    const community = (await payload.create({ collection: 'communities', data: { code: 'XB', name: '徐碧社区' }, overrideAccess: true })) as { id: Id }
    const grid = (await payload.create({
      collection: 'grids',
      data: { code: 'XB-01', name: '徐碧第1网格', community: community.id, households: 420 },
      overrideAccess: true,
    })) as { id: Id }
    const [resident] = await addSubscribers(payload, 2, { grid: grid.id, prefix: 'xb01-', channels: ['email', 'webpush'] })
    const device = push.subscribe({ applicationServerKey: VAPID.publicKey })
    await payload.db.create({
      collection: 'push-subscriptions',
      data: { endpoint: device.endpoint, keys: device.keys, subscriber: resident.id, userAgent: 'test' },
      req: { transactionID: undefined } as never,
    })

    await seedDemo(payload)
    // The demo's four contents are published, in the grid the residents live in and street-wide.
    for (const collection of ['issues', 'events', 'policies', 'announcements'] as const) {
      const { totalDocs } = await payload.count({ collection, where: { _status: { equals: 'published' } }, overrideAccess: true })
      expect(totalDocs, collection).toBe(1)
    }
    // Scheduler ticks as a first start runs them, and the daily WeChat figures import at 10:00.
    for (let i = 0; i < 3; i++) await runDueJobs(payload)
    const tenOClock = new Date()
    tenOClock.setHours(10, 0, 0, 0)
    await runReadershipJobs(payload, tenOClock)

    expect(calls()).toEqual({ smtpConnections: 0, smtpMessages: 0, pushRequests: 0, wechatCalls: 0 })
    const deliveries = await allDeliveries()
    // Recorded, so that the editor sees why, and so that a later republication creates none: one per channel.
    expect(deliveries).toHaveLength(3 + 3 + 3 + 2)
    expect(deliveries.filter((d) => UNFINISHED.includes(d.status))).toEqual([])
    for (const d of deliveries) expect([d.status, d.reason], `${d.contentType} ${d.channel}`).toEqual(['skipped', '演示内容，不发送。'])

    // An editor republishes the demo policy after a withdrawal: still nothing is sent.
    const { docs } = await payload.find({ collection: 'policies', limit: 1, overrideAccess: true, depth: 0 })
    const policy = docs[0] as unknown as { id: Id }
    await payload.update({ collection: 'policies', id: policy.id, data: { _status: 'draft' } as never, overrideAccess: true })
    await payload.update({ collection: 'policies', id: policy.id, data: { _status: 'published' } as never, overrideAccess: true })
    for (let i = 0; i < 2; i++) await runDueJobs(payload)
    expect(calls()).toEqual({ smtpConnections: 0, smtpMessages: 0, pushRequests: 0, wechatCalls: 0 })
  })

  it('a real publication afterwards reaches every channel (the stand-ins were listening)', async () => {
    await payload.create({
      collection: 'policies',
      data: { title: '真实发布的政策解读', issuingBody: '区民政局', summary: '要点', body: richBody('正文'), _status: 'published' } as never,
      overrideAccess: true,
    })
    const until = Date.now() + 20_000
    while (Date.now() < until && !(smtp.accepted() >= 2 && push.stats.received >= 1 && emu.calls.length > 0)) {
      await runDueJobs(payload)
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(smtp.accepted()).toBe(2)
    expect(push.stats.received).toBe(1)
    expect(emu.calls.map((c) => c.path)).toContain('/cgi-bin/freepublish/submit')
  })
})
