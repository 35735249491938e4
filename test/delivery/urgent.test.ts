import type { Payload } from 'payload'
import webpush from 'web-push'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { DeliveryDoc } from '../../src/collections/Deliveries'
import { closeDeliveryChannels } from '../../src/delivery/channels'
import { startScheduler } from '../../src/jobs/scheduler'
import { smallStreet, type Id } from '../support/fixtures'
import { testPayload } from '../support/payload'
import { startPushService, type PushService } from '../support/push-service'
import { startSmtpServer, type ReceivedMail, type SmtpTestServer } from '../support/smtp-server'
import { addSubscribers, deliveriesOf, deliveryById, perRecipient, publishIssue, richBody, until } from './support'

/**
 * The urgent lane: a bulk email delivery to 5,000 subscribers runs through an
 * SMTP server that takes 50 ms a message; an urgent announcement to one grid
 * (email and web push) is published in the middle of its second batch. Its
 * first email and its first push must arrive while the bulk delivery is
 * running and before the bulk delivery's next batch starts (judged by the
 * order in which the servers received the messages), and both deliveries
 * still reach everyone exactly once. The scheduler is the real one: only the
 * publishes' nudges run anything (its cron does not fire during the test).
 *
 * URGENT_BULK changes the bulk delivery's size.
 */
const BULK = Number(process.env.URGENT_BULK || 5000)
const BATCH = 1000
const CONCURRENCY = 8
const URGENT_CONCURRENCY = 4
const RESIDENTS = 20
const VAPID = webpush.generateVAPIDKeys()

let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let smtp: SmtpTestServer
let service: PushService
const devices = new Set<string>()

const isBulk = (m: ReceivedMail) => m.envelope.to[0].startsWith('b')
const isUrgent = (m: ReceivedMail) => m.envelope.to[0].startsWith('u')

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  smtp = await startSmtpServer({ keep: true, parse: false, delayMs: 50 })
  service = await startPushService()
  Object.assign(process.env, {
    SMTP_URL: smtp.url,
    MAIL_FROM: '聚焦徐碧 <news@street.test>',
    VAPID_PUBLIC_KEY: VAPID.publicKey,
    VAPID_PRIVATE_KEY: VAPID.privateKey,
    VAPID_SUBJECT: 'mailto:news@street.test',
    PUSH_TRUSTED_ORIGINS: service.origin,
    DELIVERY_CONCURRENCY: String(CONCURRENCY),
    DELIVERY_URGENT_CONCURRENCY: String(URGENT_CONCURRENCY),
    DELIVERY_BATCH_SIZE: String(BATCH),
  })
  // The bulk audience: email, issues only, in grid B-01. The urgent grid A-01: email and a push device each.
  await addSubscribers(payload, BULK, { grid: street.gridB1.id, prefix: 'b', channels: ['email'], topics: ['issues'] })
  const residents = await addSubscribers(payload, RESIDENTS, { grid: street.gridA1.id, prefix: 'u', channels: ['email', 'webpush'], topics: ['announcements'] })
  for (const r of residents) {
    const sub = service.subscribe({ applicationServerKey: VAPID.publicKey })
    await payload.db.create({
      collection: 'push-subscriptions',
      data: { endpoint: sub.endpoint, keys: sub.keys, subscriber: r.id, userAgent: 'test' },
      req: { transactionID: undefined } as never,
    })
    devices.add(sub.id)
  }
}, 600_000)

afterAll(async () => {
  delete process.env.PUSH_TRUSTED_ORIGINS
  await closeDeliveryChannels()
  await smtp?.close()
  await service?.close()
  await payload?.destroy()
})

const finished = (d: DeliveryDoc) => ['done', 'partial', 'failed', 'cancelled', 'paused', 'skipped'].includes(d.status)

describe('the urgent lane', () => {
  it('an urgent announcement starts beside a running bulk delivery: its first email and push arrive before the bulk delivery’s next batch', async () => {
    // A cron expression that does not fire during the test: only the publishes' nudges run deliveries.
    const scheduler = startScheduler(payload, '0 0 0 1 1 *')
    try {
      const issue = await publishIssue(payload, '第十三期：社区食堂开张')
      const bulk = (await deliveriesOf(payload, 'issues', issue.id)).find((d) => d.channel === 'email')!
      // The bulk delivery is in its second batch: its first batch is all answered, the next has begun.
      await smtp.waitFor(BATCH + 1, 300_000)
      const ann = (await payload.create({
        collection: 'announcements',
        data: { title: '紧急：今晚八点停电', grids: [street.gridA1.id], body: richBody('甲一网格今晚八点至十点停电，请提前准备。'), urgent: true, _status: 'published' } as never,
        overrideAccess: true,
      })) as { id: Id }
      const urgent = await deliveriesOf(payload, 'announcements', ann.id)
      expect(urgent.map((d) => [d.channel, d.urgent])).toEqual([
        ['email', true],
        ['webpush', true],
      ])

      await until('the first urgent email and the first push', () => smtp.messages.some(isUrgent) && service.messages.length > 0, 120_000)
      // Read at once: the bulk delivery is still running when both have arrived.
      expect((await deliveryById(payload, bulk.id)).status).toBe('running')
      const firstEmail = smtp.messages.findIndex(isUrgent)
      const bulkBeforeEmail = smtp.messages.slice(0, firstEmail).filter(isBulk).length
      const pushAt = service.messages[0].at.getTime()
      const bulkBeforePush = smtp.messages.filter((m) => isBulk(m) && m.at.getTime() <= pushAt).length
      // Both came before the bulk delivery's third batch began (its second ends at message 2 × BATCH).
      expect(bulkBeforeEmail).toBeLessThan(2 * BATCH)
      expect(bulkBeforePush).toBeLessThan(2 * BATCH)

      // Everything ends; the bulk delivery went on after the urgent one, and everyone got each message once.
      await until('every delivery to finish', async () => {
        const all = [await deliveryById(payload, bulk.id), ...(await deliveriesOf(payload, 'announcements', ann.id))]
        return all.every(finished)
      }, 600_000, 200)
      const bulkAfter = smtp.messages.slice(firstEmail + 1).filter(isBulk).length
      expect(bulkAfter).toBeGreaterThan(0)
      const { counts, duplicates } = perRecipient(smtp.messages)
      expect(duplicates).toBe(0)
      expect([...counts.keys()].filter((to) => to.startsWith('b'))).toHaveLength(BULK)
      expect([...counts.keys()].filter((to) => to.startsWith('u'))).toHaveLength(RESIDENTS)
      expect(service.rejections).toEqual([])
      expect(service.messages.map((m) => m.subscriptionId).sort()).toEqual([...devices].sort())

      const b = await deliveryById(payload, bulk.id)
      expect(b).toMatchObject({ status: 'done', submitted: BULK, inFlightLimit: CONCURRENCY, resumes: 0 })
      for (const d of await deliveriesOf(payload, 'announcements', ann.id)) {
        expect(d).toMatchObject({ status: 'done', submitted: RESIDENTS, inFlightLimit: URGENT_CONCURRENCY, resumes: 0 })
      }
      process.stdout.write(`URGENT ${JSON.stringify({ leg: process.env.TEST_DB ?? 'sqlite', bulkBeforeEmail, bulkBeforePush, bulkAfter, batch: BATCH })}\n`)
    } finally {
      await scheduler.stop()
    }
  }, 1_200_000)
})
