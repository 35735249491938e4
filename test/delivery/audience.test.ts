import type { Payload } from 'payload'
import webpush from 'web-push'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import type { DeliveryDoc } from '../../src/collections/Deliveries'
import { closeDeliveryChannels } from '../../src/delivery/channels'
import { createNotices } from '../../src/hooks/notices'
import { rollupReadership } from '../../src/readership/rollup'
import { type Id, PASSWORD, smallStreet } from '../support/fixtures'
import { rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'
import { startPushService, type PushService } from '../support/push-service'
import { startSmtpServer, type SmtpTestServer } from '../support/smtp-server'
import { addSubscribers, deliveriesOf, drain, richBody } from './support'

/**
 * Publishing with a clear audience: the publish dialog's counts
 * (GET /api/<collection>/:id/audience) are the numbers the delivery then
 * sends, against the real local SMTP server and push service (grids, topics,
 * the urgent override, suppressed and unsubscribed addresses); an unticked
 * channel gets no delivery; a correction sends nothing again unless a notice
 * is asked for, and the notice reaches exactly those the content reached,
 * once per correction number; the same for a withdrawal notice.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let smtp: SmtpTestServer
let push: PushService
const tokens: Record<string, string> = {}
const VAPID = webpush.generateVAPIDKeys()
let seq = 0

type Report = {
  audience: string
  wholeStreet: boolean
  urgent: boolean
  grids: { id: Id; name: string }[]
  channels: { channel: string; ticked: boolean; configured: boolean; recipients?: number; devices?: number; suppressed?: number; noticeRecipients?: number; delivery: unknown }[]
}

const asEditor = () => ({ ...street.editor, collection: 'users' }) as never
const channelOf = (r: Report, c: string) => r.channels.find((x) => x.channel === c)!
const mailsTo = (tag: string) => smtp.messages.filter((m) => m.parsed?.subject?.includes(tag)).flatMap((m) => m.envelope.to)
/** Push messages (decrypted) whose title carries the tag, by subscription. */
const pushesWith = (tag: string) => push.messages.filter((m) => (m.payload ?? '').includes(tag)).map((m) => m.subscriptionId)

async function device(subscriber: Id): Promise<string> {
  const sub = push.subscribe({ applicationServerKey: VAPID.publicKey })
  await payload.db.create({
    collection: 'push-subscriptions',
    data: { endpoint: sub.endpoint, keys: sub.keys, subscriber, userAgent: 'test' },
    req: { transactionID: undefined } as never,
  })
  return sub.id
}

async function audienceOf(collection: string, id: Id, query = '', token = tokens.editor) {
  return rest('GET', `${collection}/${id}/audience${query}`, { token })
}

/** A draft event (grids or the whole street), as an editor writes it before the dialog. */
async function draftEvent(title: string, data: Record<string, unknown>) {
  const startsAt = new Date(Date.now() + 86400_000).toISOString()
  return (await payload.create({
    collection: 'events',
    data: { title, startsAt, location: '甲一网格活动室', body: richBody('请准时参加。'), _status: 'draft', ...data } as never,
    user: asEditor(),
    overrideAccess: false,
    draft: true,
  })) as unknown as { id: Id }
}

async function publishPolicy(title: string, extra: Record<string, unknown> = {}) {
  return (await payload.create({
    collection: 'policies',
    data: { title, issuingBody: '区民政局', summary: '要点', body: richBody('正文。'), _status: 'published', ...extra } as never,
    user: asEditor(),
    overrideAccess: false,
  })) as unknown as { id: Id }
}

const contentRows = (ds: DeliveryDoc[]) => ds.filter((d) => !d.kind || d.kind === 'content')
const notices = (ds: DeliveryDoc[], kind: string) => ds.filter((d) => d.kind === kind)

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  await payload.updateGlobal({ slug: 'site-settings', data: { streetName: '徐碧街道', periodicalName: '聚焦徐碧', hotline: '0591-00000000' } as never, overrideAccess: true })
  smtp = await startSmtpServer({ keep: true })
  push = await startPushService()
  Object.assign(process.env, {
    SMTP_URL: smtp.url,
    MAIL_FROM: '聚焦徐碧 <news@street.test>',
    VAPID_PUBLIC_KEY: VAPID.publicKey,
    VAPID_PRIVATE_KEY: VAPID.privateKey,
    VAPID_SUBJECT: 'mailto:news@street.test',
    PUSH_TRUSTED_ORIGINS: push.origin,
    DELIVERY_BATCH_SIZE: '3',
    DELIVERY_CONCURRENCY: '2',
  })
  for (const u of ['editor', 'leaderA'] as const) tokens[u] = await tokenFor(payload, street[u].email, PASSWORD)
})

beforeEach(async () => {
  seq++
  smtp.messages.length = 0
  push.reset()
  // Each test has its own residents.
  await payload.db.updateMany({ collection: 'subscribers', where: { status: { equals: 'active' } }, data: { status: 'unsubscribed' } })
})

afterAll(async () => {
  delete process.env.PUSH_TRUSTED_ORIGINS
  await closeDeliveryChannels()
  await smtp?.close()
  await push?.close()
  await payload?.destroy()
})

describe('the audience of a content', () => {
  it('counts per channel what the delivery then sends: grids, topics, urgent override, suppressed addresses, devices', async () => {
    const both = ['email', 'webpush'] as const
    // Grid A-01: 3 with the events topic (2 with devices, one of them with two), 2 without it.
    const a1 = await addSubscribers(payload, 3, { grid: street.gridA1.id, prefix: `a${seq}-`, channels: [...both] })
    const a1NoTopic = await addSubscribers(payload, 2, { grid: street.gridA1.id, prefix: `an${seq}-`, channels: [...both], topics: ['issues'] })
    // Grid A-02: 2 with the topic, one suppressed (bounced) and one unsubscribed.
    await addSubscribers(payload, 2, { grid: street.gridA2.id, prefix: `b${seq}-` })
    await addSubscribers(payload, 1, { grid: street.gridA2.id, prefix: `bs${seq}-`, status: 'suppressed' })
    await addSubscribers(payload, 1, { grid: street.gridA2.id, prefix: `bu${seq}-`, status: 'unsubscribed' })
    // Grid B-01 is outside the event's grids.
    const b1 = await addSubscribers(payload, 2, { grid: street.gridB1.id, prefix: `c${seq}-`, channels: [...both] })
    await device(a1[0].id)
    await device(a1[0].id)
    await device(a1[1].id)
    await device(a1NoTopic[0].id)
    await device(b1[0].id)

    for (const urgent of [false, true]) {
      smtp.messages.length = 0
      push.reset()
      const tag = `活动${seq}${urgent ? '紧急' : '普通'}`
      const event = await draftEvent(tag, { wholeStreet: false, grids: [street.gridA1.id, street.gridA2.id], urgent })
      const r = await audienceOf('events', event.id)
      expect(r.status).toBe(200)
      const report = r.body as Report
      expect(report.wholeStreet).toBe(false)
      expect(report.urgent).toBe(urgent)
      expect(report.grids.map((g) => g.name).sort()).toEqual(['甲一网格', '甲二网格'].sort())
      const email = channelOf(report, 'email')
      const webpush = channelOf(report, 'webpush')
      // Non-urgent: 3 (A-01, topic) + 2; urgent: the 2 without the topic too. Never B-01, the suppressed or the unsubscribed.
      expect(email.recipients).toBe(urgent ? 7 : 5)
      expect(email.suppressed).toBe(1)
      expect(webpush.devices).toBe(urgent ? 4 : 3)
      expect(webpush.recipients).toBe(urgent ? 3 : 2)
      expect(channelOf(report, 'wechat').configured).toBe(false)

      await payload.update({ collection: 'events', id: event.id, data: { _status: 'published' } as never, user: asEditor(), overrideAccess: false })
      await drain(payload)
      // The counts are what was sent: messages at the SMTP server, messages at the push service (one per device).
      expect(mailsTo(tag)).toHaveLength(email.recipients!)
      expect(new Set(mailsTo(tag)).size).toBe(email.recipients!)
      expect(pushesWith(tag)).toHaveLength(webpush.devices!)
      const ds = await deliveriesOf(payload, 'events', event.id)
      expect(ds.find((d) => d.channel === 'email')!.submitted).toBe(email.recipients)
      expect(ds.find((d) => d.channel === 'webpush')!.submitted).toBe(webpush.recipients)
    }
  })

  it('follows the unsaved form: grids, urgent and the whole street from the query; a grid leader only within their grids', async () => {
    await addSubscribers(payload, 2, { grid: street.gridA1.id, prefix: `q${seq}-` })
    await addSubscribers(payload, 3, { grid: street.gridB1.id, prefix: `qb${seq}-` })
    const event = await draftEvent(`表单${seq}`, { wholeStreet: false, grids: [street.gridA1.id] })
    expect(channelOf((await audienceOf('events', event.id)).body, 'email').recipients).toBe(2)
    const wide = (await audienceOf('events', event.id, '?wholeStreet=1')).body as Report
    expect(wide.wholeStreet).toBe(true)
    expect(wide.grids).toHaveLength(3)
    expect(channelOf(wide, 'email').recipients).toBe(5)
    expect(channelOf((await audienceOf('events', event.id, `?grids=${street.gridB1.id}`)).body, 'email').recipients).toBe(3)
    const unticked = (await audienceOf('events', event.id, '?channels=webpush')).body as Report
    expect(channelOf(unticked, 'email').ticked).toBe(false)
    expect(channelOf(unticked, 'webpush').ticked).toBe(true)
  })

  it('is for staff who may publish the content only', async () => {
    const event = await draftEvent(`权限${seq}`, {})
    expect((await audienceOf('events', event.id, '', '')).status).toBe(401)
    // A grid leader may not publish the street's content (nor read it).
    expect((await audienceOf('events', event.id, '', tokens.leaderA)).status).toBe(403)
    // Their own announcement: only once approved (direct publication is off).
    const leader = { ...street.leaderA, collection: 'users' } as never
    const ann = (await payload.create({
      collection: 'announcements',
      data: { title: `公告${seq}`, grids: [street.gridA1.id], body: richBody('周六停水') } as never,
      user: leader,
      overrideAccess: false,
      draft: true,
    })) as unknown as { id: Id }
    expect((await audienceOf('announcements', ann.id, '', tokens.leaderA)).status).toBe(403)
    await payload.update({ collection: 'announcements', id: ann.id, data: { review: { status: 'pending' } } as never, user: leader, overrideAccess: false, draft: true })
    await payload.update({ collection: 'announcements', id: ann.id, data: { review: { status: 'approved' } } as never, user: asEditor(), overrideAccess: false, draft: true })
    const ok = await audienceOf('announcements', ann.id, `?grids=${street.gridB1.id},${street.gridA1.id}`, tokens.leaderA)
    expect(ok.status).toBe(200)
    // Another grid's id is dropped for a grid leader; WeChat is never offered for announcements.
    expect((ok.body as Report).audience).toBe(`grids:${street.gridA1.id}`)
    expect((ok.body as Report).channels.map((c) => c.channel)).toEqual(['email', 'webpush'])
  })
})

describe('channels ticked for one content', () => {
  it('an unticked channel gets no delivery; the site default per type applies where the content made no choice', async () => {
    await addSubscribers(payload, 2, { grid: street.gridA1.id, prefix: `u${seq}-`, channels: ['email', 'webpush'] })
    const own = await publishPolicy(`不发邮件${seq}`, { channels: { email: false, webpush: true, wechat: true } })
    expect(contentRows(await deliveriesOf(payload, 'policies', own.id)).map((d) => d.channel).sort()).toEqual(['webpush', 'wechat'])
    await drain(payload)
    expect(mailsTo(`不发邮件${seq}`)).toHaveLength(0)

    // A scheduled publication: the dialog stores the choice on the draft, the job publishes the draft as it stands.
    const draft = (await payload.create({
      collection: 'policies',
      data: { title: `定时${seq}`, issuingBody: '区民政局', summary: '要点', body: richBody('正文。'), _status: 'draft' } as never,
      user: asEditor(),
      overrideAccess: false,
      draft: true,
    })) as unknown as { id: Id }
    const stored = await rest('PATCH', `policies/${draft.id}?draft=true&depth=0`, { token: tokens.editor, body: { channels: { email: true, webpush: false, wechat: false } } })
    expect(stored.status).toBe(200)
    await payload.update({ collection: 'policies', id: draft.id, data: { _status: 'published' } as never, overrideAccess: true })
    expect(contentRows(await deliveriesOf(payload, 'policies', draft.id)).map((d) => d.channel)).toEqual(['email'])

    await payload.updateGlobal({ slug: 'site-settings', data: { publishChannels: { policies: { wechat: false } } } as never, overrideAccess: true })
    try {
      const byDefault = await publishPolicy(`默认${seq}`)
      expect((await deliveriesOf(payload, 'policies', byDefault.id)).map((d) => d.channel).sort()).toEqual(['email', 'webpush'])
      // The content's own tick wins over the default.
      const ticked = await publishPolicy(`勾选${seq}`, { channels: { wechat: true } })
      expect((await deliveriesOf(payload, 'policies', ticked.id)).map((d) => d.channel).sort()).toEqual(['email', 'webpush', 'wechat'])
      const report = (await audienceOf('policies', byDefault.id)).body as Report
      expect(channelOf(report, 'wechat').ticked).toBe(false)
      await drain(payload)
    } finally {
      await payload.updateGlobal({ slug: 'site-settings', data: { publishChannels: { policies: { wechat: true } } } as never, overrideAccess: true })
    }
  })
})

describe('corrections and withdrawals', () => {
  /** A policy published and delivered to `n` residents by email and push (one device each). */
  async function delivered(tag: string, n = 3) {
    const people = await addSubscribers(payload, n, { grid: street.gridA1.id, prefix: `n${seq}-`, channels: ['email', 'webpush'] })
    const devices = new Map<string, string>()
    for (const p of people) devices.set(await device(p.id), p.email)
    const policy = await publishPolicy(tag)
    await drain(payload)
    expect(mailsTo(tag)).toHaveLength(n)
    return { policy, people, devices }
  }

  it('a correction republish sends nothing; with the notice it reaches exactly the original recipients, once per correction number', async () => {
    const tag = `更正测试${seq}`
    const { policy, people } = await delivered(tag)
    // After the original: one more resident subscribes, one leaves. Neither is written to by the notice.
    const late = await addSubscribers(payload, 1, { grid: street.gridA1.id, prefix: `late${seq}-`, channels: ['email', 'webpush'] })
    await device(late[0].id)
    await payload.db.updateMany({ collection: 'subscribers', where: { id: { equals: people[2].id } }, data: { status: 'unsubscribed' } })
    const before = (await deliveriesOf(payload, 'policies', policy.id)).length

    // A correction without the notice: no delivery, nothing sent.
    let r = await rest('PATCH', `policies/${policy.id}?depth=0`, { token: tokens.editor, body: { title: `${tag}（修订）`, _status: 'published' } })
    expect(r.status).toBe(200)
    await drain(payload)
    expect((await deliveriesOf(payload, 'policies', policy.id)).length).toBe(before)
    expect(smtp.messages.filter((m) => m.parsed?.subject?.includes(tag))).toHaveLength(3)
    expect(push.messages.map((m) => JSON.parse(m.payload ?? '{}').title)).toEqual([tag, tag, tag])
    // The dialog says who a notice would reach now: the two still subscribed.
    const report = (await audienceOf('policies', policy.id)).body as Report & { corrections: number }
    expect(report.corrections).toBe(1)
    expect(channelOf(report, 'email').noticeRecipients).toBe(2)
    expect(channelOf(report, 'webpush').noticeRecipients).toBe(2)

    // A correction with the notice: one per channel, to the original recipients still subscribed.
    smtp.messages.length = 0
    push.reset()
    r = await rest('PATCH', `policies/${policy.id}?depth=0`, { token: tokens.editor, body: { title: `${tag}（再修订）`, _status: 'published', notice: true } })
    expect(r.status).toBe(200)
    expect(r.body.doc.notice).toBe(false)
    let ds = await deliveriesOf(payload, 'policies', policy.id)
    const first = notices(ds, 'correction')
    expect(first.map((d) => [d.channel, d.notice])).toEqual([
      ['email', 2],
      ['webpush', 2],
    ])
    // Asked again for the same correction (the endpoint, twice, and straight): still one per channel.
    for (let i = 0; i < 2; i++) {
      const again = await rest('POST', `policies/${policy.id}/notice`, { token: tokens.editor, body: { kind: 'correction' } })
      expect(again.status).toBe(200)
      expect(again.body.created).toHaveLength(0)
    }
    const main = await payload.findByID({ collection: 'policies', id: policy.id, overrideAccess: true, depth: 0 })
    expect(await createNotices(payload, 'policies', main as never, 'correction', 2, { payload, context: {} } as never)).toHaveLength(0)
    await drain(payload)
    ds = await deliveriesOf(payload, 'policies', policy.id)
    expect(notices(ds, 'correction')).toHaveLength(2)
    const mails = smtp.messages.filter((m) => m.parsed?.subject?.includes('【更正】'))
    expect(mails.flatMap((m) => m.envelope.to).sort()).toEqual([people[0].email, people[1].email].sort())
    expect(mails[0].parsed!.text).toContain('已更正')
    expect(mails[0].raw.toString()).toMatch(/^List-Unsubscribe: <http/m)
    expect(push.messages).toHaveLength(2)
    expect(pushesWith('【更正】')).toHaveLength(2)
    // Nothing of the content itself went out again.
    expect(smtp.messages.filter((m) => !m.parsed?.subject?.includes('【更正】'))).toHaveLength(0)
    // The readership figures count the content's recipients, not its notices again.
    await rollupReadership(payload)
    const rows = (
      await payload.find({ collection: 'read-rollups' as never, where: { and: [{ contentType: { equals: 'policies' } }, { contentId: { equals: String(policy.id) } }] }, limit: 0, overrideAccess: true })
    ).docs as unknown as { channel: string; submitted: number }[]
    const submitted = (channel: string) => rows.filter((r) => r.channel === channel).reduce((n, r) => n + r.submitted, 0)
    expect([submitted('email'), submitted('webpush')]).toEqual([3, 3])

    // A later correction with a notice is a new number: one more each.
    await rest('PATCH', `policies/${policy.id}?depth=0`, { token: tokens.editor, body: { summary: '要点（三改）', _status: 'published', notice: true } })
    ds = await deliveriesOf(payload, 'policies', policy.id)
    expect(notices(ds, 'correction').map((d) => d.notice).sort()).toEqual([2, 2, 3, 3])
  })

  it('a withdrawal notice goes to those the content reached, asked with the withdrawal or after it, once per withdrawal', async () => {
    const tag = `撤回测试${seq}`
    const { policy, people } = await delivered(tag, 2)
    smtp.messages.length = 0
    push.reset()
    // Withdrawn without a notice: nothing is sent; asking afterwards sends it, once.
    let r = await rest('PATCH', `policies/${policy.id}?depth=0&fallback-locale=null&unpublishAllLocales=false`, { token: tokens.editor, body: { _status: 'draft' } })
    expect(r.status).toBe(200)
    await drain(payload)
    expect(smtp.messages).toHaveLength(0)
    expect(notices(await deliveriesOf(payload, 'policies', policy.id), 'withdrawal')).toHaveLength(0)
    // A correction notice is refused on withdrawn content.
    expect((await rest('POST', `policies/${policy.id}/notice`, { token: tokens.editor, body: { kind: 'correction' } })).status).toBe(409)
    for (let i = 0; i < 2; i++) {
      r = await rest('POST', `policies/${policy.id}/notice`, { token: tokens.editor, body: { kind: 'withdrawal' } })
      expect(r.status).toBe(200)
      expect(r.body.created).toHaveLength(i === 0 ? 2 : 0)
    }
    await drain(payload)
    const mails = smtp.messages.filter((m) => m.parsed?.subject?.includes('【撤回】'))
    expect(mails.flatMap((m) => m.envelope.to).sort()).toEqual(people.map((p) => p.email).sort())
    expect(mails[0].parsed!.text).toContain('已撤回')
    expect(pushesWith('【撤回】')).toHaveLength(2)
    expect(smtp.messages).toHaveLength(2)

    // Republished (no content delivery again), then withdrawn with the notice in the same request: withdrawal 2.
    await rest('PATCH', `policies/${policy.id}?depth=0`, { token: tokens.editor, body: { _status: 'published' } })
    smtp.messages.length = 0
    push.reset()
    r = await rest('PATCH', `policies/${policy.id}?depth=0&fallback-locale=null&unpublishAllLocales=false`, { token: tokens.editor, body: { _status: 'draft', notice: true } })
    expect(r.status).toBe(200)
    const ds = await deliveriesOf(payload, 'policies', policy.id)
    expect(notices(ds, 'withdrawal').map((d) => d.notice).sort()).toEqual([1, 1, 2, 2])
    expect(contentRows(ds)).toHaveLength(3)
    await drain(payload)
    expect(smtp.messages.map((m) => m.parsed?.subject)).toEqual([`【撤回】${tag}`, `【撤回】${tag}`])
    expect(push.messages).toHaveLength(2)
  })
})
