import type { Payload } from 'payload'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { newRef } from '../../src/collections/Subscribers'
import { quietUntil } from '../../src/delivery/sms/quiet'
import { readerKey } from '../../src/readership/tokens'
import { audienceReport } from '../../src/delivery/audienceReport'
import { smsSpend } from '../../src/readership/smsSpend'
import { publicUrl } from '../../src/server/env'
import { mobileIndex } from '../../src/subscribers/phone'
import { streetHour } from '../../src/templates/format'
import { smallStreet, type Id } from '../support/fixtures'
import { testPayload } from '../support/payload'
import type { SmsProvider } from '../support/sms-provider'
import { startSite, type Site } from '../site/support'
import { BROWSER, clearEvents, storedEvents } from '../readership/support'
import { deliveriesOf, drain, publishIssue, richBody, smsResident, startSmsStreet } from './support'

/** SMS deliveries through the pipeline, against the local stand-in of Alibaba Cloud SMS (test/support/sms-provider.ts). */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let provider: SmsProvider
let site: Site
let seq = 0
/** Numbers and addresses given so far (each resident has its own). */
let made = 0
const NOTICE = 'SMS_100000001'
const URGENT = 'SMS_100000002'
const CONCURRENCY = 2

type Resident = { id: Id; phone: string; ref: string }
/** Residents with a number, written through the adapter (sealed number and index as the subscriber's hooks make them). */
async function residents(n: number, opts: { grid: Id; smsTopics?: string[]; channels?: string[]; phone?: boolean }): Promise<Resident[]> {
  const out: Resident[] = []
  for (let i = 0; i < n; i++) {
    made++
    const phone = `139${String(made).padStart(8, '0')}`
    const ref = newRef()
    const withPhone = opts.phone !== false
    const id = await smsResident(payload, { phone: withPhone ? phone : null, email: `s${made}@mail.test`, ref, grid: opts.grid, channels: opts.channels ?? ['sms', 'email'], smsTopics: opts.smsTopics })
    out.push({ id, phone, ref })
  }
  return out
}

const smsDelivery = async (collection: string, id: Id) => (await deliveriesOf(payload, collection, id)).find((d) => d.channel === 'sms')!
const messagesOf = async (delivery: Id) =>
  (await payload.db.find({ collection: 'sms-messages', where: { delivery: { equals: String(delivery) } }, limit: 0, pagination: false })).docs as unknown as {
    subscriber: string
    phoneIndex: string
    bizId: string
    segments: number
    contentType: string
  }[]
const setQuiet = (start: number, end: number) => payload.updateGlobal({ slug: 'site-settings', data: { smsQuietHours: { start, end } } as never, overrideAccess: true })
const urgentAnnouncement = (title: string, grid: Id) =>
  payload.create({
    collection: 'announcements',
    data: { title, grids: [grid], body: richBody('今晚八点至十点停水，请提前储水。'), summary: '今晚八点至十点停水', urgent: true, _status: 'published' } as never,
    overrideAccess: true,
  }) as Promise<{ id: Id }>

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  await payload.updateGlobal({ slug: 'site-settings', data: { streetName: '徐碧街道', periodicalName: '聚焦徐碧' } as never, overrideAccess: true })
  provider = await startSmsStreet({
    notice: NOTICE,
    urgent: URGENT,
    signName: '【徐碧街道】',
    onlySms: true,
    env: {
      DELIVERY_CONCURRENCY: String(CONCURRENCY),
      DELIVERY_URGENT_CONCURRENCY: String(CONCURRENCY),
      DELIVERY_BATCH_SIZE: '50',
      DELIVERY_RETRY_BASE_MS: '20',
      DELIVERY_RETRY_MAX_MS: '1500',
      DELIVERY_MAX_ATTEMPTS: '3',
    },
  })
  site = await startSite(payload)
})

beforeEach(async () => {
  provider.reset()
  seq++
  await payload.db.updateMany({ collection: 'subscribers', where: { status: { equals: 'active' } }, data: { status: 'unsubscribed' } })
  // No quiet hours unless a test sets them (the suite runs at any hour).
  await setQuiet(0, 0)
})

afterAll(async () => {
  for (const k of ['SMS_ACCESS_KEY_ID', 'SMS_ACCESS_KEY_SECRET', 'SMS_SIGN_NAME', 'SMS_TEMPLATE_NOTICE', 'SMS_TEMPLATE_URGENT', 'SMS_PRICE_PER_SEGMENT', 'SMS_API_BASE']) delete process.env[k]
  await site?.close()
  await provider?.close()
})

describe('SMS deliveries', () => {
  it('a notice goes 100 numbers a call, each with its own short link; one sms-messages row per accepted message with its BizId and segments', async () => {
    const ticked = await residents(230, { grid: street.gridA1.id, smsTopics: ['issues'] })
    // Not ticked for issues by SMS (urgent only, the default), or no number: no SMS.
    await residents(5, { grid: street.gridA1.id })
    await residents(3, { grid: street.gridA1.id, smsTopics: ['issues'], phone: false })
    const issue = await publishIssue(payload, `第${seq}期社区通讯：垃圾分类新规与社区食堂开张`)
    const before = await smsDelivery('issues', issue.id)
    expect(before.status).toBe('queued')
    await drain(payload)

    const d = await smsDelivery('issues', issue.id)
    expect(d).toMatchObject({ status: 'done', total: 230, submitted: 230, failed: 0, gone: 0 })
    // The crash bound: calls in flight × numbers a call.
    expect(d.inFlightLimit).toBe(CONCURRENCY * 100)
    const calls = provider.calls.filter((c) => c.code === 'OK')
    expect(calls.every((c) => c.action === 'SendBatchSms')).toBe(true)
    expect(calls.map((c) => c.numbers).sort((a, b) => b - a)).toEqual([100, 100, 30])
    expect(provider.calls).toHaveLength(3)

    const accepted = provider.accepted
    expect(accepted).toHaveLength(230)
    expect(new Set(accepted.map((a) => a.phone))).toEqual(new Set(ticked.map((r) => r.phone)))
    const codes = accepted.map((a) => a.params.code)
    expect(codes.every((c) => /^[A-Za-z0-9]{8}$/.test(c))).toBe(true)
    expect(new Set(codes).size).toBe(230)
    expect(accepted[0].content).toContain(`${publicUrl()}/s/${codes[0]}`)
    expect(accepted[0].content.startsWith('【徐碧街道】')).toBe(true)

    const rows = await messagesOf(d.id)
    expect(rows).toHaveLength(230)
    const byIndex = new Map(rows.map((r) => [r.phoneIndex, r]))
    for (const a of accepted) {
      const row = byIndex.get(mobileIndex(a.phone))!
      expect(row.bizId).toBe(a.bizId)
      expect(row.segments).toBe(a.segments)
      expect(row.contentType).toBe('issues')
      expect(String(row.subscriber)).toBe(String(ticked.find((r) => r.phone === a.phone)!.id))
    }
  })

  it('the short link redirects to the page with the recipient’s read token; the read is recorded under their grid; an unknown code is a Chinese 404', async () => {
    const [r] = await residents(1, { grid: street.gridB1.id, smsTopics: ['issues'] })
    const issue = (await publishIssue(payload, `第${seq}期短链接`)) as { id: Id; number: number }
    await drain(payload)
    const code = provider.accepted[0].params.code
    await clearEvents(payload)
    const res = await site.get(`/s/${code}`, { headers: { 'user-agent': BROWSER } })
    expect(res.status).toBe(302)
    const landing = res.headers.get('location')!
    expect(landing.startsWith(`${publicUrl()}/issues/${issue.number}?r=`)).toBe(true)
    const page = await site.get(landing.slice(publicUrl().length), { headers: { 'user-agent': BROWSER } })
    expect(page.status).toBe(200)
    const events = await storedEvents(payload)
    expect(events.map((e) => [e.channel, e.grid, e.kind, e.reader])).toEqual([['sms', String(street.gridB1.id), 'read', readerKey('issues', String(issue.id), r.ref)]])

    const unknown = await site.get('/s/Zz9Zz9Zz', { headers: { 'user-agent': BROWSER } })
    expect(unknown.status).toBe(404)
    expect(await unknown.text()).toMatch(/[\u4e00-\u9fff]/)
    expect((await site.get('/s/short', { headers: { 'user-agent': BROWSER } })).status).toBe(404)
  })

  it('urgent content goes to every SMS resident with a number, one number a call', async () => {
    const ticked = await residents(3, { grid: street.gridA1.id, smsTopics: ['announcements'] })
    const urgentOnly = await residents(4, { grid: street.gridA1.id })
    await residents(2, { grid: street.gridA2.id })
    const ann = await urgentAnnouncement(`紧急停水${seq}`, street.gridA1.id)
    await drain(payload)
    const d = await smsDelivery('announcements', ann.id)
    expect(d).toMatchObject({ status: 'done', urgent: true, total: 7, submitted: 7 })
    expect(d.inFlightLimit).toBe(CONCURRENCY)
    expect(provider.calls).toHaveLength(7)
    expect(provider.calls.every((c) => c.action === 'SendSms' && c.numbers === 1)).toBe(true)
    expect(new Set(provider.accepted.map((a) => a.phone))).toEqual(new Set([...ticked, ...urgentOnly].map((r) => r.phone)))
    expect(provider.accepted[0].templateCode).toBe(URGENT)
    expect(provider.accepted[0].content).toContain('紧急通知')
    expect(await messagesOf(d.id)).toHaveLength(7)
  })

  it('quiet hours defer a notice to their end; urgent content goes at once', async () => {
    const hour = streetHour(new Date())
    // Quiet hours that hold now and end in two hours.
    const q = { start: hour, end: (hour + 2) % 24 }
    await setQuiet(q.start, q.end)
    await residents(2, { grid: street.gridA1.id, smsTopics: ['issues', 'announcements'] })
    const issue = await publishIssue(payload, `第${seq}期夜间`)
    await drain(payload)
    const d = await smsDelivery('issues', issue.id)
    expect(d.status).toBe('queued')
    expect(d.nextAttemptAt).toBeTruthy()
    const until = new Date(d.nextAttemptAt!).getTime()
    expect(until).toBe(quietUntil(new Date(until - 60_000), q)?.getTime() ?? until)
    expect(streetHour(new Date(until))).toBe(q.end)
    expect(until - Date.now()).toBeGreaterThan(60 * 60_000)
    expect(provider.accepted).toHaveLength(0)

    const ann = await urgentAnnouncement(`夜间紧急停电${seq}`, street.gridA1.id)
    await drain(payload)
    expect(await smsDelivery('announcements', ann.id)).toMatchObject({ status: 'done', submitted: 2 })
    expect(provider.accepted).toHaveLength(2)
    // The notice is still waiting.
    expect((await smsDelivery('issues', issue.id)).status).toBe('queued')
    await payload.db.updateMany({ collection: 'deliveries', where: { id: { equals: d.id } }, data: { status: 'cancelled' } })
  })

  it('provider errors by kind: quota and settings pause with a plain Chinese reason, a temporary one is retried, an invalid number is taken off SMS only', async () => {
    await residents(3, { grid: street.gridA1.id, smsTopics: ['issues'] })

    provider.inject('isv.AMOUNT_NOT_ENOUGH')
    const a = await publishIssue(payload, `第${seq}期余额`)
    await drain(payload)
    const quota = await smsDelivery('issues', a.id)
    expect(quota.status).toBe('paused')
    expect(quota.reason).toMatch(/[\u4e00-\u9fff]/)
    expect(quota.reason).toContain('AMOUNT_NOT_ENOUGH')
    expect(quota.lastErrors?.[0]?.kind).toBe('quota')
    expect(await messagesOf(quota.id)).toHaveLength(0)

    provider.inject('isv.SMS_TEMPLATE_ILLEGAL')
    const b = await publishIssue(payload, `第${seq}期模板`)
    await drain(payload)
    const config = await smsDelivery('issues', b.id)
    expect(config.status).toBe('paused')
    expect(config.lastErrors?.[0]?.kind).toBe('config')
    expect(config.reason).not.toBe(quota.reason)

    provider.inject('isp.SYSTEM_ERROR')
    const c = await publishIssue(payload, `第${seq}期重试`)
    await drain(payload)
    expect(await smsDelivery('issues', c.id)).toMatchObject({ status: 'done', submitted: 3 })
    expect(provider.calls.filter((x) => x.code === 'isp.SYSTEM_ERROR')).toHaveLength(1)
  })

  it('a number the provider calls invalid is gone for SMS; the resident keeps email', async () => {
    const [first, second] = await residents(2, { grid: street.gridA1.id, smsTopics: ['issues'] })
    // The batch is refused whole, then sent number by number: the first number is the invalid one.
    provider.inject('isv.MOBILE_NUMBER_ILLEGAL', { times: 2 })
    const issue = await publishIssue(payload, `第${seq}期空号`)
    await drain(payload)
    const d = await smsDelivery('issues', issue.id)
    expect(d).toMatchObject({ status: 'done', submitted: 1, gone: 1 })
    const gone = (await payload.db.findOne({ collection: 'subscribers', where: { id: { equals: first.id } } })) as unknown as { channels: string[]; status: string }
    expect(gone.channels).toEqual(['email'])
    expect(gone.status).toBe('active')
    const kept = (await payload.db.findOne({ collection: 'subscribers', where: { id: { equals: second.id } } })) as unknown as { channels: string[] }
    expect(kept.channels).toEqual(['sms', 'email'])
    expect(provider.accepted.map((a) => a.phone)).toEqual([second.phone])
  })

  it('the monthly budget: a call that would pass it pauses the delivery with the reason in Chinese, and nothing goes out', async () => {
    await residents(120, { grid: street.gridA1.id, smsTopics: ['issues'] })
    const within = await publishIssue(payload, `第${seq}期预算内`)
    await drain(payload)
    expect(await smsDelivery('issues', within.id)).toMatchObject({ status: 'done', submitted: 120 })
    // The cap: what the month has spent so far and half a yuan more, less than either call (100 and 20 segments at 0.045).
    const spent = (await smsSpend(payload)).cost!
    await payload.updateGlobal({ slug: 'site-settings', data: { smsBudget: { monthlyYuan: spent + 0.5 } } as never, overrideAccess: true })
    try {
      provider.reset()
      const over = await publishIssue(payload, `第${seq}期超预算`)
      await drain(payload)
      const d = await smsDelivery('issues', over.id)
      expect(d.status).toBe('paused')
      expect(d.reason).toContain('本月短信预算')
      expect(d.lastErrors?.[0]?.kind).toBe('quota')
      expect(provider.calls).toHaveLength(0)
      expect(await messagesOf(d.id)).toHaveLength(0)
    } finally {
      await payload.updateGlobal({ slug: 'site-settings', data: { smsBudget: { monthlyYuan: null } } as never, overrideAccess: true })
    }
  })

  it('the publish dialog’s SMS line counts the residents, the billed segments and the cost the delivery then sends', async () => {
    await residents(40, { grid: street.gridA1.id, smsTopics: ['issues'] })
    const title = `第${seq}期社区通讯：老旧小区加装电梯征求意见、社区食堂延长营业时间与秋冬季防火安全提示`
    const issue = (await publishIssue(payload, title)) as { id: Id }
    const report = await audienceReport(payload, 'issues', { id: issue.id, title, summary: '本期摘要' }, null)
    const row = report.channels.find((c) => c.channel === 'sms')!
    await drain(payload)
    const segments = provider.accepted.reduce((n, a) => n + a.segments, 0)
    expect(provider.accepted).toHaveLength(40)
    // The long title is shortened to fit one segment (the default allowance): the estimate clips it the same way.
    expect(provider.accepted.every((a) => a.segments === 1 && a.params.title.endsWith('…'))).toBe(true)
    expect(row).toMatchObject({ recipients: 40, smsSegments: segments })
    expect(row.smsCost).toBeCloseTo(segments * 0.045, 6)
  })

  it('no SMS delivery is created while SMS is not configured', async () => {
    await residents(1, { grid: street.gridA1.id, smsTopics: ['issues'] })
    const saved = process.env.SMS_ACCESS_KEY_ID
    delete process.env.SMS_ACCESS_KEY_ID
    try {
      const issue = await publishIssue(payload, `第${seq}期未配置`)
      expect((await deliveriesOf(payload, 'issues', issue.id)).map((d) => d.channel)).not.toContain('sms')
    } finally {
      process.env.SMS_ACCESS_KEY_ID = saved
    }
  })
})
