import type { Payload } from 'payload'
import webpush from 'web-push'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import type { DeliveryDoc } from '../../src/model/deliveries'
import type { SubscriberChannel } from '../../src/model/subscribers'
import { closeDeliveryChannels } from '../../src/delivery/channels'
import { planFallbacks } from '../../src/delivery/fallback'
import { updateDelivery } from '../../src/delivery/rows'
import { runDueJobs } from '../../src/jobs/scheduler'
import { t } from '../../src/i18n/messages'
import { rollupReadership } from '../../src/readership/rollup'
import { smallStreet, type Id } from '../support/fixtures'
import { testPayload } from '../support/payload'
import { startPushService, type PushService } from '../support/push-service'
import type { SmsProvider } from '../support/sms-provider'
import { startSmtpServer, type SmtpTestServer } from '../support/smtp-server'
import { deliveriesOf, drain, notOnItsOwn, publishIssue, richBody, settleFallbacks, smsResident, startReadyWorker, startSmsStreet, workerProcesses } from './support'

/**
 * The channel fallback (issue 17, src/delivery/fallback.ts) against the real local servers: an SMTP
 * server that refuses chosen mailboxes at RCPT, a push service whose devices can be gone (410), and
 * the stand-in of Alibaba Cloud SMS.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let smtp: SmtpTestServer
let push: PushService
let sms: SmsProvider
let seq = 0
let made = 0
const VAPID = webpush.generateVAPIDKeys()

type Resident = { id: Id; email: string; phone: string; device?: string }
/** A resident written through the adapter (sealed number and index as the subscriber's hooks make them), with a push device if asked. */
async function resident(o: { channels: SubscriberChannel[]; order?: SubscriberChannel[]; device?: boolean; smsTopics?: string[] }): Promise<Resident> {
  made++
  const phone = `137${String(made).padStart(8, '0')}`
  const email = `fb${seq}-${made}@mail.test`
  const id = await smsResident(payload, { phone, email, grid: street.gridA1.id, channels: o.channels, smsTopics: o.smsTopics, extra: o.order ? { channelOrder: o.order } : {} })
  const r: Resident = { id, email, phone }
  if (o.device) {
    const sub = push.subscribe({ applicationServerKey: VAPID.publicKey })
    await payload.db.create({ collection: 'push-subscriptions', data: { endpoint: sub.endpoint, keys: sub.keys, subscriber: id, userAgent: 'test' }, req: { transactionID: undefined } as never })
    r.device = sub.id
  }
  return r
}

const refuseMailbox = (r: Resident) => smtp.failRecipient(r.email, 550, `5.1.1 <${r.email}>: Recipient address rejected: User unknown`)
const texted = (r: Resident) => sms.accepted.filter((a) => a.phone === r.phone).length
const mailed = (r: Resident) => smtp.messages.filter((m) => m.envelope.to.includes(r.email)).length
const pushed = (r: Resident) => push.messages.filter((m) => m.subscriptionId === r.device).length
const fallbacksOf = async (collection: string, id: Id) => (await deliveriesOf(payload, collection, id)).filter((d) => d.kind === 'fallback').sort((a, b) => (a.round ?? 0) - (b.round ?? 0) || a.channel.localeCompare(b.channel))
const receiptsOf = async (d: DeliveryDoc) =>
  (await payload.db.find({ collection: 'delivery-receipts', where: { delivery: { equals: String(d.id) } }, limit: 0, pagination: false })).docs as unknown as { subscriber: string; status: string }[]

const settle = () => settleFallbacks(payload)

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  await payload.updateGlobal({ slug: 'site-settings', data: { streetName: '徐碧街道', periodicalName: '聚焦徐碧', smsQuietHours: { start: 0, end: 0 } } as never, overrideAccess: true })
  smtp = await startSmtpServer()
  push = await startPushService()
  sms = await startSmsStreet({
    notice: 'SMS_100000001',
    urgent: 'SMS_100000002',
    signName: '【徐碧街道】',
    env: {
      SMTP_URL: smtp.url,
      MAIL_FROM: '聚焦徐碧 <news@street.test>',
      VAPID_PUBLIC_KEY: VAPID.publicKey,
      VAPID_PRIVATE_KEY: VAPID.privateKey,
      VAPID_SUBJECT: 'mailto:news@street.test',
      PUSH_TRUSTED_ORIGINS: push.origin,
      DELIVERY_BATCH_SIZE: '10',
      DELIVERY_CONCURRENCY: '2',
      DELIVERY_RETRY_BASE_MS: '20',
      DELIVERY_RETRY_MAX_MS: '500',
      DELIVERY_MAX_ATTEMPTS: '3',
    },
  })
})

beforeEach(async () => {
  smtp.reset()
  push.reset()
  sms.reset()
  seq++
  // Each test its own residents: earlier ones leave the street.
  await payload.db.updateMany({ collection: 'subscribers', where: { status: { in: ['active', 'suppressed'] } }, data: { status: 'unsubscribed' } })
})

afterAll(async () => {
  for (const c of workerProcesses) c.kill('SIGKILL')
  for (const k of ['SMS_ACCESS_KEY_ID', 'SMS_ACCESS_KEY_SECRET', 'SMS_SIGN_NAME', 'SMS_TEMPLATE_NOTICE', 'SMS_TEMPLATE_URGENT', 'SMS_PRICE_PER_SEGMENT', 'SMS_API_BASE', 'PUSH_TRUSTED_ORIGINS']) delete process.env[k]
  await closeDeliveryChannels()
  await smtp?.close()
  await push?.close()
  await sms?.close()
})

describe('channel fallback', () => {
  it('a mailbox refused 550 5.1.1 at RCPT gets the content once by SMS (its SMS topics aside); a resident the mail reached gets none; planning again creates nothing', async () => {
    const refused = await resident({ channels: ['email', 'sms'] })
    const reached = await resident({ channels: ['email', 'sms'] })
    refuseMailbox(refused)
    const issue = await publishIssue(payload, `第${seq}期社区通讯：补发测试`)
    await drain(payload)
    const email = (await deliveriesOf(payload, 'issues', issue.id)).find((d) => d.channel === 'email')!
    expect(email).toMatchObject({ status: 'done', submitted: 1, gone: 1 })
    // Planned twice at once (two workers): one fallback delivery.
    const runs = await Promise.all([planFallbacks(payload), planFallbacks(payload)])
    expect(runs[0].created + runs[1].created).toBe(1)
    await settle()

    const [fb, ...more] = await fallbacksOf('issues', issue.id)
    expect(more).toHaveLength(0)
    expect(fb).toMatchObject({ channel: 'sms', round: 1, status: 'done', total: 1, submitted: 1, urgent: false })
    expect(texted(refused)).toBe(1)
    expect(texted(reached)).toBe(0)
    expect(mailed(reached)).toBe(1)
    expect((await receiptsOf(fb)).map((r) => [r.subscriber, r.status])).toEqual([[String(refused.id), 'submitted']])
    // The panel's label for it.
    expect(t('fallback.label', 'zh', { channel: t('channel.sms') })).toBe('补发（短信）')

    // Re-planning (the mark undone, as after a crash before it): the key holds, nothing is sent again.
    await updateDelivery(payload, email.id, { fallbackPlanned: false })
    expect((await planFallbacks(payload)).created).toBe(0)
    await settle()
    expect(await fallbacksOf('issues', issue.id)).toHaveLength(1)
    expect(texted(refused)).toBe(1)

    // Reach counts each resident once: the one by mail and the one by the fallback's SMS.
    await rollupReadership(payload, { days: 2 })
    const rows = (await payload.db.find({ collection: 'read-rollups', where: { and: [{ contentId: { equals: String(issue.id) } }, { contentType: { equals: 'issues' } }] }, limit: 0, pagination: false }))
      .docs as unknown as { channel: string; submitted: number }[]
    const sum = (channel: string) => rows.filter((r) => r.channel === channel).reduce((n, r) => n + r.submitted, 0)
    expect([sum('all'), sum('email'), sum('sms')]).toEqual([2, 1, 1])
  })

  it('one scheduler tick sends the content, plans the fallback and sends it', async () => {
    const refused = await resident({ channels: ['email', 'sms'] })
    refuseMailbox(refused)
    const issue = await publishIssue(payload, `第${seq}期社区通讯：一次节拍`)
    const tick = await runDueJobs(payload)
    expect(tick.fallback.ran).toBe(1)
    const [fb] = await fallbacksOf('issues', issue.id)
    expect(fb).toMatchObject({ channel: 'sms', round: 1, status: 'done', submitted: 1 })
    expect(texted(refused)).toBe(1)
  })

  it('two worker processes planning at the same moment create the fallback delivery once', async () => {
    const refused = await resident({ channels: ['email', 'sms'] })
    refuseMailbox(refused)
    const issue = await publishIssue(payload, `第${seq}期社区通讯：两个进程`)
    await drain(payload)
    const at = String(Date.now() + 15_000)
    const workers = await Promise.all([0, 1].map(() => startReadyWorker({ WORKER_MODE: 'fallback', FALLBACK_AT: at })))
    const exits = await Promise.all(workers.map(async (w) => notOnItsOwn(await w.exited)))
    expect(exits.map((e) => e.code)).toEqual([0, 0])
    // Both planned at the same moment; the unique key let one row through.
    const fbs = await fallbacksOf('issues', issue.id)
    expect(fbs.map((d) => [d.channel, d.round, d.status])).toEqual([['sms', 1, 'queued']])
    await settle()
    expect((await fallbacksOf('issues', issue.id)).map((d) => [d.channel, d.submitted])).toEqual([['sms', 1]])
    expect(texted(refused)).toBe(1)
  }, 120_000)

  it('a push device gone (410) falls back to SMS; a resident whose mail went through while the device was gone gets none', async () => {
    const pushOnly = await resident({ channels: ['webpush', 'sms'], device: true })
    const both = await resident({ channels: ['email', 'webpush', 'sms'], device: true })
    push.expire(pushOnly.device!)
    push.expire(both.device!)
    const issue = await publishIssue(payload, `第${seq}期社区通讯：设备失效`)
    await settle()
    const webpushRow = (await deliveriesOf(payload, 'issues', issue.id)).find((d) => d.channel === 'webpush' && d.kind !== 'fallback')!
    expect(webpushRow).toMatchObject({ status: 'done', gone: 2 })
    const fbs = await fallbacksOf('issues', issue.id)
    expect(fbs.map((d) => [d.channel, d.round, d.submitted])).toEqual([['sms', 1, 1]])
    expect(texted(pushOnly)).toBe(1)
    expect(texted(both)).toBe(0)
    expect(mailed(both)).toBe(1)
    expect(await payload.db.count({ collection: 'push-subscriptions', where: { subscriber: { in: [pushOnly.id, both.id] } } })).toMatchObject({ totalDocs: 0 })
  })

  it('a relay-level refusal (550 5.7.1) pauses the delivery and makes nobody gone: no fallback, also once the editor cancels it', async () => {
    const r = await resident({ channels: ['email', 'sms'] })
    smtp.failRecipient(r.email, 550, `5.7.1 <${r.email}>: Relay access denied`)
    const issue = await publishIssue(payload, `第${seq}期社区通讯：转发被拒`)
    await settle()
    const email = (await deliveriesOf(payload, 'issues', issue.id)).find((d) => d.channel === 'email')!
    expect(email).toMatchObject({ status: 'paused', gone: 0 })
    await payload.update({ collection: 'deliveries', id: email.id, data: { status: 'cancelled' } as never, user: street.editor, overrideAccess: false })
    await settle()
    expect(await fallbacksOf('issues', issue.id)).toHaveLength(0)
    expect(texted(r)).toBe(0)
  })

  it('urgent content gets no fallback, even on a channel it did not go out on', async () => {
    const r = await resident({ channels: ['email', 'sms'] })
    refuseMailbox(r)
    const urgent = (await payload.create({
      collection: 'announcements',
      data: { title: `紧急通知${seq}`, grids: [street.gridA1.id], body: richBody('今晚停水。'), summary: '今晚停水', urgent: true, channels: { sms: false }, _status: 'published' } as never,
      overrideAccess: true,
    })) as { id: Id }
    await settle()
    const own = await deliveriesOf(payload, 'announcements', urgent.id)
    expect(own.find((d) => d.channel === 'email')).toMatchObject({ status: 'done', gone: 1 })
    expect(own.some((d) => d.channel === 'sms')).toBe(false)
    expect(await fallbacksOf('announcements', urgent.id)).toHaveLength(0)
    expect(texted(r)).toBe(0)
    // The same for non-urgent content: the SMS fallback (the contrast that makes the above mean something).
    refuseMailbox(r)
    await payload.db.updateMany({ collection: 'subscribers', where: { id: { equals: r.id } }, data: { status: 'active' } })
    const plain = (await payload.create({
      collection: 'announcements',
      data: { title: `普通通知${seq}`, grids: [street.gridA1.id], body: richBody('下周体检。'), summary: '下周体检', channels: { sms: false }, _status: 'published' } as never,
      overrideAccess: true,
    })) as { id: Id }
    await settle()
    expect((await fallbacksOf('announcements', plain.id)).map((d) => d.channel)).toEqual(['sms'])
    expect(texted(r)).toBe(1)
  })

  it('a fallback on a channel is not the content\'s own delivery there: published again with that channel ticked, the content gets it', async () => {
    const r = await resident({ channels: ['email', 'sms'] })
    refuseMailbox(r)
    const issue = await publishIssue(payload, `第${seq}期社区通讯：再次发布`, { channels: { sms: false } })
    await settle()
    expect((await deliveriesOf(payload, 'issues', issue.id)).filter((d) => d.channel === 'sms').map((d) => d.kind)).toEqual(['fallback'])
    await payload.update({ collection: 'issues', id: issue.id, data: { _status: 'draft' } as never, overrideAccess: true })
    await payload.update({ collection: 'issues', id: issue.id, data: { _status: 'published', channels: { sms: true } } as never, overrideAccess: true })
    const sms = (await deliveriesOf(payload, 'issues', issue.id)).filter((d) => d.channel === 'sms')
    expect(sms.map((d) => d.kind ?? 'content').sort()).toEqual(['content', 'fallback'])
  })

  it('a correction notice goes to those the content reached on a channel, by its own delivery or by a fallback', async () => {
    // Push unticked for the content: the refused mailbox falls back to push (next in the default order).
    const byPush = await resident({ channels: ['email', 'webpush'], device: true })
    const byMail = await resident({ channels: ['email', 'webpush'], device: true })
    refuseMailbox(byPush)
    const issue = await publishIssue(payload, `第${seq}期社区通讯：更正前`, { channels: { webpush: false, sms: false } })
    await settle()
    expect((await fallbacksOf('issues', issue.id)).map((d) => [d.channel, d.submitted])).toEqual([['webpush', 1]])
    expect([pushed(byPush), mailed(byMail), pushed(byMail)]).toEqual([1, 1, 0])
    await payload.update({ collection: 'issues', id: issue.id, data: { title: `第${seq}期社区通讯：更正后`, _status: 'published', notice: true } as never, overrideAccess: true })
    await settle()
    const notices = (await deliveriesOf(payload, 'issues', issue.id)).filter((d) => d.kind === 'correction')
    expect(notices.map((d) => [d.channel, d.submitted]).sort()).toEqual([['email', 1], ['webpush', 1]])
    // Each told once, on the channel that reached them; no fallback of the notice.
    expect([pushed(byPush), mailed(byPush), mailed(byMail), pushed(byMail)]).toEqual([2, 0, 2, 0])
  })

  it('chained in each resident\'s order, each channel once: webpush → email → sms goes by push, then by SMS when the device is gone too', async () => {
    // The content goes by mail only (push unticked): push is untried for both when the mail is refused.
    const chained = await resident({ channels: ['email', 'webpush', 'sms'], order: ['webpush', 'email', 'sms'], device: true })
    const smsFirst = await resident({ channels: ['email', 'webpush', 'sms'], order: ['sms', 'webpush', 'email'], device: true })
    refuseMailbox(chained)
    refuseMailbox(smsFirst)
    push.expire(chained.device!)
    const issue = await publishIssue(payload, `第${seq}期社区通讯：逐个补发`, { channels: { webpush: false, sms: false } })
    await settle()
    const fbs = await fallbacksOf('issues', issue.id)
    expect(fbs.map((d) => [d.round, d.channel, d.status, d.total, d.submitted, d.gone])).toEqual([
      [1, 'sms', 'done', 1, 1, 0],
      [1, 'webpush', 'done', 1, 0, 1],
      [2, 'sms', 'done', 1, 1, 0],
    ])
    expect((await receiptsOf(fbs[0])).map((r) => r.subscriber)).toEqual([String(smsFirst.id)])
    expect((await receiptsOf(fbs[1])).map((r) => r.subscriber)).toEqual([String(chained.id)])
    expect((await receiptsOf(fbs[2])).map((r) => r.subscriber)).toEqual([String(chained.id)])
    expect([texted(chained), texted(smsFirst), pushed(smsFirst), mailed(chained), mailed(smsFirst)]).toEqual([1, 1, 0, 0, 0])
    // Nothing is left to try for either: planning again creates nothing.
    expect((await planFallbacks(payload)).created).toBe(0)
    expect(await fallbacksOf('issues', issue.id)).toHaveLength(3)
  })
})
