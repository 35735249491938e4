import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { estimateSms } from '../../src/delivery/smsEstimate'
import { smsBudgetStop, smsSpend, streetMonth } from '../../src/readership/smsSpend'
import { mobileIndex } from '../../src/subscribers/phone'
import { PASSWORD, smallStreet } from '../support/fixtures'
import { rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'

/**
 * The month's SMS spend and the budget cap (issue 17), from sms-messages rows
 * written as the SMS driver writes them.
 */
const SMS_ENV = {
  SMS_ACCESS_KEY_ID: 'LTAI-test',
  SMS_ACCESS_KEY_SECRET: 'secret-test',
  SMS_SIGN_NAME: '徐碧街道',
  SMS_TEMPLATE_NOTICE: 'SMS_465000001',
  SMS_TEMPLATE_URGENT: 'SMS_465000002',
  SMS_PRICE_PER_SEGMENT: '0.05',
  PUBLIC_URL: 'https://xb.example.cn',
}
const saved: Record<string, string | undefined> = {}

let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let n = 0

async function sent(contentType: string, segments: number, sentAt: string, count = 1) {
  for (let i = 0; i < count; i++) {
    n++
    await payload.db.create({
      collection: 'sms-messages',
      data: { delivery: `d-${contentType}`, subscriber: `s-${n}`, contentType, phoneIndex: mobileIndex(`138${String(n).padStart(8, '0')}`), bizId: `biz-${n}`, segments, sentAt },
    })
  }
}
const setBudget = (monthlyYuan: number | null) =>
  payload.updateGlobal({ slug: 'site-settings', data: { smsBudget: { monthlyYuan } } as never, overrideAccess: true })

beforeAll(async () => {
  for (const [k, v] of Object.entries(SMS_ENV)) {
    saved[k] = process.env[k]
    process.env[k] = v
  }
  payload = await testPayload()
  street = await smallStreet(payload)
})
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
})

describe('the street month', () => {
  it('is the calendar month in China time', () => {
    expect(streetMonth(new Date('2026-09-30T16:00:00Z'))).toEqual({
      key: '2026-10',
      start: new Date('2026-09-30T16:00:00Z'),
      end: new Date('2026-10-31T16:00:00Z'),
    })
    expect(streetMonth(new Date('2026-09-30T15:59:59Z')).key).toBe('2026-09')
    expect(streetMonth(new Date('2026-12-31T16:00:00Z')).key).toBe('2027-01')
  })
})

describe('spend by content type', () => {
  it('counts the month’s segments and cost in total and by type, and keeps counting what is sent later', async () => {
    await sent('issues', 1, '2026-10-03T02:00:00Z', 3)
    await sent('events', 2, '2026-10-10T02:00:00Z', 2)
    // 00:30 on 1 October in China: October's.
    await sent('policies', 3, '2026-09-30T16:30:00Z')
    // 23:59 on 30 September in China, and November: not October's.
    await sent('issues', 5, '2026-09-30T15:59:00Z')
    await sent('issues', 5, '2026-10-31T16:00:00Z')
    const now = new Date('2026-10-20T00:00:00Z')
    const spend = await smsSpend(payload, now)
    expect(spend).toMatchObject({ month: '2026-10', messages: 6, segments: 10, cost: 0.5, pricePerSegment: 0.05, budget: null, left: null })
    expect(spend.byType).toEqual([
      { contentType: 'events', label: '活动通知', messages: 2, segments: 4, cost: 0.2 },
      { contentType: 'issues', label: expect.any(String), messages: 3, segments: 3, cost: 0.15 },
      { contentType: 'policies', label: expect.any(String), messages: 1, segments: 3, cost: 0.15 },
    ])
    // A message sent a minute ago (the live part) and one sent later still: both counted.
    await sent('issues', 2, '2026-10-19T23:59:00Z')
    expect((await smsSpend(payload, now)).segments).toBe(12)
    await sent('events', 1, '2026-10-20T00:03:00Z')
    const later = await smsSpend(payload, new Date('2026-10-20T00:10:00Z'))
    expect(later.segments).toBe(13)
    expect(later.byType.find((r) => r.contentType === 'events')).toMatchObject({ messages: 3, segments: 5 })
  })
})

describe('the monthly budget', () => {
  it('stops a send that would pass the cap, with a plain reason, and lets one that reaches it exactly', async () => {
    const now = new Date('2027-02-15T04:00:00Z')
    await sent('announcements', 1, '2027-02-02T04:00:00Z', 15)
    await setBudget(null)
    expect(await smsBudgetStop(payload, 1000, now)).toBeNull()
    await setBudget(1)
    // 15 segments at 0.05 = 0.75 spent: 5 more reach 1.00, 6 pass it.
    expect(await smsBudgetStop(payload, 5, now)).toBeNull()
    const reason = await smsBudgetStop(payload, 6, now)
    expect(reason).toBe('本月短信预算 1.00 元，已用 0.75 元；再发 6 条（约 0.30 元）将超出预算。请管理员在站点设置中调整预算，或下月再发。')
    const spend = await smsSpend(payload, now)
    expect(spend).toMatchObject({ segments: 15, cost: 0.75, budget: 1, left: 0.25 })
    // A new month starts from nothing.
    expect(await smsBudgetStop(payload, 20, new Date('2027-03-01T00:00:00Z'))).toBeNull()
    await setBudget(null)
  })
})

describe('the publish dialog’s estimate', () => {
  it('counts segments with the real sign name, link base and longest code, times the recipients', () => {
    const short = estimateSms({ title: '本周六上午停水', urgent: false, recipients: 250 })
    // 【徐碧街道】本周六上午停水，详见 https://xb.example.cn/s/xxxxxxxx 回复TD退订
    expect(short).toMatchObject({ segmentsPerMessage: 1, totalSegments: 250, cost: 12.5, chars: 6 + 7 + 4 + 24 + 8 + 7, clipped: [] })
    const two = estimateSms({ title: '街'.repeat(35), urgent: false, recipients: 10, maxSegments: 2 })
    expect(two).toMatchObject({ segmentsPerMessage: 2, totalSegments: 20, cost: 1 })
    const clipped = estimateSms({ title: '街'.repeat(35), urgent: false, recipients: 10 })
    expect(clipped).toMatchObject({ segmentsPerMessage: 1, clipped: ['title'] })
    const urgent = estimateSms({ title: '明日停电', urgent: true, recipients: 3, maxSegments: 2 })
    expect(urgent).toMatchObject({ segmentsPerMessage: 2, totalSegments: 6 })
  })
})

describe('the month’s data for the admin view', () => {
  it('goes to editors and admins, not to grid leaders or anonymous callers', async () => {
    await sent('events', 1, new Date().toISOString())
    const editor = await rest('GET', 'sms-messages/month', { token: await tokenFor(payload, street.editor.email, PASSWORD) })
    expect(editor.status).toBe(200)
    expect(editor.body).toMatchObject({ month: streetMonth(new Date()).key, pricePerSegment: 0.05 })
    expect(editor.body.segments).toBeGreaterThanOrEqual(1)
    expect((await rest('GET', 'sms-messages/month', { token: await tokenFor(payload, street.admin.email, PASSWORD) })).status).toBe(200)
    const leader = await rest('GET', 'sms-messages/month', { token: await tokenFor(payload, street.leaderA.email, PASSWORD) })
    expect(leader.status).toBe(403)
    expect(leader.body.segments).toBeUndefined()
    const anonymous = await rest('GET', 'sms-messages/month')
    expect(anonymous.status).toBe(403)
    expect(anonymous.body.segments).toBeUndefined()
  })
})
