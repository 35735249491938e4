import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { smsSpend } from '../../src/readership/smsSpend'
import { smallStreet } from '../support/fixtures'
import { testPayload } from '../support/payload'
import type { SmsProvider } from '../support/sms-provider'
import { deliveriesOf, drain, publishIssue, smsResident, startSmsStreet } from './support'

/**
 * The monthly SMS budget as a batch counts against it: the cap and the
 * month's tally are read once per batch (not before every provider call),
 * and the batch's calls take their segments from that reading in memory, so
 * that calls in flight at once cannot all pass on one reading. A call that
 * would pass the cap still pauses the delivery and sends nothing.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let provider: SmsProvider
const NOTICE = 'SMS_100000041'
const URGENT = 'SMS_100000042'
const PRICE = 0.045
const ENV = ['SMS_ACCESS_KEY_ID', 'SMS_ACCESS_KEY_SECRET', 'SMS_SIGN_NAME', 'SMS_TEMPLATE_NOTICE', 'SMS_TEMPLATE_URGENT', 'SMS_PRICE_PER_SEGMENT', 'SMS_API_BASE']

async function residents(n: number) {
  for (let i = 0; i < n; i++) {
    const phone = `135${String(i + 1).padStart(8, '0')}`
    await smsResident(payload, { phone, email: `b${i}@mail.test`, grid: street.gridA1.id, channels: ['sms'], topics: ['issues'], smsTopics: ['issues'] })
  }
}

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  provider = await startSmsStreet({
    notice: NOTICE,
    urgent: URGENT,
    price: String(PRICE),
    onlySms: true,
    // One batch of three calls, all in flight at once.
    env: { DELIVERY_BATCH_SIZE: '300', DELIVERY_CONCURRENCY: '3' },
  })
  await payload.updateGlobal({ slug: 'site-settings', data: { smsQuietHours: { start: 0, end: 0 } } as never, overrideAccess: true })
})

afterAll(async () => {
  for (const k of [...ENV, 'DELIVERY_BATCH_SIZE', 'DELIVERY_CONCURRENCY']) delete process.env[k]
  await provider?.close()
})

describe('the SMS budget in a batch', () => {
  it('reads the month once for the batch; of three calls in flight the one that would pass the cap pauses the delivery and sends nothing', async () => {
    await residents(300)
    // Something spent this month already, then a cap that leaves room for 200 one-segment messages (and a fen).
    await publishIssue(payload, '预算第一期')
    await payload.db.updateMany({ collection: 'subscribers', where: { email: { not_equals: 'b0@mail.test' } }, data: { status: 'unsubscribed' } })
    await drain(payload)
    expect(provider.accepted).toHaveLength(1)
    await payload.db.updateMany({ collection: 'subscribers', where: { status: { equals: 'unsubscribed' } }, data: { status: 'active' } })
    const spent = (await smsSpend(payload)).cost!
    expect(spent).toBeCloseTo(PRICE, 6)
    await payload.updateGlobal({ slug: 'site-settings', data: { smsBudget: { monthlyYuan: spent + 200 * PRICE + 0.01 } } as never, overrideAccess: true })
    provider.reset()

    // Every read of the month's messages during the run, counted at the adapter.
    const find = payload.db.find.bind(payload.db)
    let scans = 0
    payload.db.find = ((args: Parameters<typeof find>[0]) => {
      if (args.collection === 'sms-messages') scans++
      return find(args)
    }) as typeof payload.db.find
    try {
      const issue = await publishIssue(payload, '预算第二期')
      await drain(payload)
      const d = (await deliveriesOf(payload, 'issues', issue.id)).find((x) => x.channel === 'sms')!
      expect(d.status).toBe('paused')
      expect(d.reason).toContain('本月短信预算')
      expect(d.lastErrors?.[0]?.kind).toBe('quota')
      // Two calls of 100 went; the third, in flight with them, sent nothing.
      const ok = provider.calls.filter((c) => c.code === 'OK')
      expect(ok.map((c) => c.numbers)).toEqual([100, 100])
      expect(provider.calls).toHaveLength(2)
      expect(provider.accepted).toHaveLength(200)
      const rows = await payload.db.count({ collection: 'sms-messages', where: { delivery: { equals: String(d.id) } } })
      expect(rows.totalDocs).toBe(200)
      // The month was read for the batch (its settled part and its live part), not before each call.
      expect(scans).toBeGreaterThanOrEqual(1)
      expect(scans).toBeLessThanOrEqual(2)
    } finally {
      payload.db.find = find
      await payload.updateGlobal({ slug: 'site-settings', data: { smsBudget: { monthlyYuan: null } } as never, overrideAccess: true })
    }
  })
})
