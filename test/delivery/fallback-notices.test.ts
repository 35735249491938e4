import type { Payload } from 'payload'
import webpush from 'web-push'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import type { DeliveryDoc } from '../../src/model/deliveries'
import { closeDeliveryChannels } from '../../src/delivery/channels'
import { smallStreet, type Id } from '../support/fixtures'
import { testPayload } from '../support/payload'
import { startPushService, type PushService } from '../support/push-service'
import type { SmsProvider } from '../support/sms-provider'
import { startSmtpServer, type SmtpTestServer } from '../support/smtp-server'
import { addSubscribers, deliveriesOf, drain, publishIssue, settleFallbacks, smsResident, startSmsStreet } from './support'

/**
 * Correction and withdrawal notices on a channel the content reached only by a fallback, though its own
 * delivery there exists (SMS ticked for a non-urgent content that nobody ticked SMS for): the notice goes
 * to those the fallback reached. Against the real local SMTP server (a mailbox refused 550 5.1.1 at RCPT)
 * and the stand-in of Alibaba Cloud SMS with the change template.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let smtp: SmtpTestServer
let sms: SmsProvider
let push: PushService
let seq = 0
let made = 0
const CHANGE = 'SMS_100000044'
const VAPID = webpush.generateVAPIDKeys()
const ENV = ['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY', 'VAPID_SUBJECT', 'PUSH_TRUSTED_ORIGINS', 'SMS_ACCESS_KEY_ID', 'SMS_ACCESS_KEY_SECRET', 'SMS_SIGN_NAME', 'SMS_TEMPLATE_NOTICE', 'SMS_TEMPLATE_URGENT', 'SMS_TEMPLATE_CHANGE', 'SMS_PRICE_PER_SEGMENT', 'SMS_API_BASE']

type Resident = { id: Id; email: string; phone: string }
/** A resident on email and SMS who ticked no type for SMS: the content's own SMS delivery does not go to them. */
async function resident(): Promise<Resident> {
  made++
  const phone = `139${String(made).padStart(8, '0')}`
  const email = `fbn${seq}-${made}@mail.test`
  return { id: await smsResident(payload, { phone, email, grid: street.gridA1.id, channels: ['email', 'sms'] }), email, phone }
}

const refuseMailbox = (r: Resident) => smtp.failRecipient(r.email, 550, `5.1.1 <${r.email}>: Recipient address rejected: User unknown`)
const texts = (r: Resident) => sms.accepted.filter((a) => a.phone === r.phone)
const mailed = (r: Resident) => smtp.messages.filter((m) => m.envelope.to.includes(r.email)).length
const smsRows = async (id: Id) => (await deliveriesOf(payload, 'issues', id)).filter((d) => d.channel === 'sms')
const byKind = (rows: DeliveryDoc[], kind: string) => rows.filter((d) => (d.kind ?? 'content') === kind)
const settle = () => settleFallbacks(payload)

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  await payload.updateGlobal({ slug: 'site-settings', data: { streetName: '徐碧街道', periodicalName: '聚焦徐碧', smsQuietHours: { start: 0, end: 0 } } as never, overrideAccess: true })
  smtp = await startSmtpServer()
  sms = await startSmsStreet({
    notice: 'SMS_100000041',
    urgent: 'SMS_100000042',
    extra: [{ code: CHANGE, kind: 'change', paramMax: { change: 2 } }],
    env: { SMTP_URL: smtp.url, MAIL_FROM: '聚焦徐碧 <news@street.test>', SMS_TEMPLATE_CHANGE: CHANGE, DELIVERY_RETRY_BASE_MS: '20' },
  })
  delete process.env.VAPID_PUBLIC_KEY
  push = await startPushService()
})

beforeEach(async () => {
  smtp.reset()
  sms.reset()
  seq++
  await payload.db.updateMany({ collection: 'subscribers', where: { status: { in: ['active', 'suppressed'] } }, data: { status: 'unsubscribed' } })
})

afterAll(async () => {
  for (const k of ENV) delete process.env[k]
  await closeDeliveryChannels()
  await smtp?.close()
  await sms?.close()
  await push?.close()
})

describe('notices to those a fallback reached, on a channel whose own delivery reached nobody', () => {
  it('the SMS correction and withdrawal notices go to the resident the SMS fallback reached, once each, and to nobody else by SMS', async () => {
    const byFallback = await resident()
    const byMail = await resident()
    refuseMailbox(byFallback)
    const issue = await publishIssue(payload, `第${seq}期社区通讯：补发后更正`, { channels: { email: true, webpush: false, sms: true } })
    await settle()
    const [own] = byKind(await smsRows(issue.id), 'content')
    // The content's own SMS delivery ran and reached nobody (no SMS topics); the fallback reached the refused mailbox.
    expect(own).toMatchObject({ status: 'done', total: 0, submitted: 0 })
    expect(byKind(await smsRows(issue.id), 'fallback').map((d) => [d.round, d.submitted])).toEqual([[1, 1]])
    expect([texts(byFallback).length, texts(byMail).length, mailed(byMail)]).toEqual([1, 0, 1])

    await payload.update({ collection: 'issues', id: issue.id, data: { title: `第${seq}期社区通讯：更正后`, _status: 'published', notice: true } as never, overrideAccess: true })
    await settle()
    const corrections = byKind(await deliveriesOf(payload, 'issues', issue.id), 'correction')
    expect(corrections.map((d) => [d.channel, d.status, d.total, d.submitted]).sort()).toEqual([
      ['email', 'done', 1, 1],
      ['sms', 'done', 1, 1],
    ])
    // Keyed to the content's own SMS delivery, as every notice on a channel it has.
    expect(corrections.find((d) => d.channel === 'sms')!.original).toBe(String(own.id))
    expect(texts(byFallback).map((a) => a.templateCode)).toEqual(['SMS_100000041', CHANGE])
    expect(texts(byFallback)[1].params.change).toBe('更正')
    expect([texts(byMail).length, mailed(byMail), mailed(byFallback)]).toEqual([0, 2, 0])

    await payload.update({ collection: 'issues', id: issue.id, data: { _status: 'draft', notice: true } as never, overrideAccess: true })
    await settle()
    const withdrawals = byKind(await deliveriesOf(payload, 'issues', issue.id), 'withdrawal')
    expect(withdrawals.map((d) => [d.channel, d.submitted]).sort()).toEqual([
      ['email', 1],
      ['sms', 1],
    ])
    expect(texts(byFallback).map((a) => a.params.change ?? '')).toEqual(['', '更正', '撤回'])
    expect([texts(byMail).length, mailed(byMail)]).toEqual([0, 3])
    // No fallback of a notice.
    expect(byKind(await smsRows(issue.id), 'fallback')).toHaveLength(1)
  })

  it('with SMS not ticked for the content, the SMS notice is keyed to the SMS fallback and goes to those it reached', async () => {
    const byFallback = await resident()
    const byMail = await resident()
    refuseMailbox(byFallback)
    const issue = await publishIssue(payload, `第${seq}期社区通讯：未选短信`, { channels: { email: true, webpush: false, sms: false } })
    await settle()
    const [fallback, ...more] = await smsRows(issue.id)
    expect(more).toHaveLength(0)
    expect(fallback).toMatchObject({ kind: 'fallback', submitted: 1 })
    await payload.update({ collection: 'issues', id: issue.id, data: { title: `第${seq}期社区通讯：未选短信（更正）`, _status: 'published', notice: true } as never, overrideAccess: true })
    await settle()
    const notice = byKind(await smsRows(issue.id), 'correction')
    expect(notice.map((d) => [d.original, d.total, d.submitted])).toEqual([[String(fallback.id), 1, 1]])
    expect([texts(byFallback).length, texts(byMail).length, mailed(byMail)]).toEqual([2, 0, 2])
  })

  it('email skipped at publishing (no mail server), a later email fallback reached some: the correction by email goes to exactly them, once', async () => {
    const smtpUrl = process.env.SMTP_URL!
    Object.assign(process.env, { VAPID_PUBLIC_KEY: VAPID.publicKey, VAPID_PRIVATE_KEY: VAPID.privateKey, VAPID_SUBJECT: 'mailto:news@street.test', PUSH_TRUSTED_ORIGINS: push.origin })
    try {
      const people = await addSubscribers(payload, 3, { grid: street.gridA1.id, prefix: `fbs${seq}-`, channels: ['email', 'webpush'] })
      const devices = []
      for (const p of people) {
        const sub = push.subscribe({ applicationServerKey: VAPID.publicKey })
        await payload.db.create({ collection: 'push-subscriptions', data: { endpoint: sub.endpoint, keys: sub.keys, subscriber: p.id }, req: { transactionID: undefined } as never })
        devices.push(sub)
      }
      // The first two residents' only devices have expired (410): push fails for good for them.
      push.expire(devices[0].id)
      push.expire(devices[1].id)
      // Published while the mail server is not configured: the content's own email delivery is skipped.
      delete process.env.SMTP_URL
      const issue = await publishIssue(payload, `第${seq}期社区通讯：邮件未配置`, { channels: { email: true, webpush: true, sms: false } })
      await drain(payload)
      const email = () => deliveriesOf(payload, 'issues', issue.id).then((rows) => rows.filter((d) => d.channel === 'email'))
      expect((await email()).map((d) => [d.kind ?? 'content', d.status])).toEqual([['content', 'skipped']])

      // The mail server is configured before the scheduler's next tick plans the fallback: by email, for the two push lost.
      process.env.SMTP_URL = smtpUrl
      await settle()
      const byAddress = (i: number) => smtp.messages.filter((m) => m.envelope.to.includes(people[i].email)).length
      expect(byKind(await email(), 'fallback').map((d) => [d.round, d.submitted])).toEqual([[1, 2]])
      expect(people.map((_, i) => byAddress(i))).toEqual([1, 1, 0])

      await payload.update({ collection: 'issues', id: issue.id, data: { title: `第${seq}期社区通讯：邮件未配置（更正）`, _status: 'published', notice: true } as never, overrideAccess: true })
      await settle()
      const corrections = byKind(await deliveriesOf(payload, 'issues', issue.id), 'correction')
      expect(corrections.map((d) => [d.channel, d.status, d.total, d.submitted]).sort()).toEqual([
        ['email', 'done', 2, 2],
        ['webpush', 'done', 1, 1],
      ])
      expect(people.map((_, i) => byAddress(i))).toEqual([2, 2, 0])
    } finally {
      process.env.SMTP_URL = smtpUrl
      for (const k of ['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY', 'VAPID_SUBJECT', 'PUSH_TRUSTED_ORIGINS']) delete process.env[k]
      await closeDeliveryChannels()
    }
  })

  it('a channel nobody was reached on by the content gets no notice', async () => {
    const byMail = await resident()
    const issue = await publishIssue(payload, `第${seq}期社区通讯：无人收到短信`, { channels: { email: true, webpush: false, sms: true } })
    await settle()
    expect(await smsRows(issue.id)).toMatchObject([{ status: 'done', total: 0, submitted: 0 }])
    await payload.update({ collection: 'issues', id: issue.id, data: { title: `第${seq}期社区通讯：更正`, _status: 'published', notice: true } as never, overrideAccess: true })
    await settle()
    const corrections = byKind(await deliveriesOf(payload, 'issues', issue.id), 'correction')
    expect(corrections.map((d) => [d.channel, d.submitted])).toEqual([['email', 1]])
    expect(sms.accepted).toHaveLength(0)
    expect(mailed(byMail)).toBe(2)
  })
})
