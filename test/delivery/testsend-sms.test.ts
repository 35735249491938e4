import type { Payload, PayloadRequest } from 'payload'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { segmentsFor, smsLength } from '../../src/channels/sms'
import { shortLinkPath } from '../../src/delivery/sms/links'
import { testSendEndpoint } from '../../src/delivery/endpoints'
import { smallStreet } from '../support/fixtures'
import { testPayload } from '../support/payload'
import type { SmsProvider } from '../support/sms-provider'
import { deliveriesOf, richBody, startSmsStreet } from './support'

/** Test-send by SMS: a draft's text message to a number the editor types, marked as a test within the template, limited per number and street-wide. */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let provider: SmsProvider
const NOTICE = 'SMS_100000021'
const URGENT = 'SMS_100000022'
const ENV = ['SMS_ACCESS_KEY_ID', 'SMS_ACCESS_KEY_SECRET', 'SMS_SIGN_NAME', 'SMS_TEMPLATE_NOTICE', 'SMS_TEMPLATE_URGENT', 'SMS_PRICE_PER_SEGMENT', 'SMS_API_BASE']

type Body = { ok?: boolean; message: string; code?: string; errors?: { field: string; message: string }[] }
const call = async (user: unknown, body: unknown) => {
  const res = await testSendEndpoint({ payload, user, json: async () => body, i18n: { language: 'zh' } } as unknown as PayloadRequest)
  return { status: res.status, headers: res.headers, body: (await res.json()) as Body }
}

const draft = async (title: string, urgent = false) =>
  (await payload.create({
    collection: 'announcements',
    data: { title, summary: '周六上午八点至十二点停水', urgent, grids: [street.gridA1.id], body: richBody('周六上午停水检修'), _status: 'draft' } as never,
    overrideAccess: true,
    draft: true,
  })) as unknown as { id: string | number }

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  provider = await startSmsStreet({ notice: NOTICE, urgent: URGENT })
})

beforeEach(() => provider.reset())

afterAll(async () => {
  for (const k of [...ENV, 'RATE_TEST_SEND_SMS', 'RATE_TEST_SEND_SMS_STREET']) delete process.env[k]
  await provider?.close()
  await payload?.destroy()
})

describe('SMS test-send', () => {
  it('sends a draft’s text message to the typed number, the title marked 测试, fitted as a resident’s; its link opens the page without a read token; no delivery', async () => {
    const title = '老旧小区加装电梯征求意见与社区食堂延长营业时间的通知'
    const d = await draft(title)
    const r = await call(street.editor, { collection: 'announcements', id: d.id, channel: 'sms', phone: '+86 138-0000-0001' })
    expect(r).toMatchObject({ status: 200, body: { ok: true, message: '测试短信已发送至 138****0001。' } })
    expect(provider.accepted).toHaveLength(1)
    const a = provider.accepted[0]
    expect(a.phone).toBe('13800000001')
    expect(a.templateCode).toBe(NOTICE)
    expect(a.params.title.startsWith('测试：老旧小区')).toBe(true)
    expect(a.params.title.endsWith('…')).toBe(true)
    expect(a.content.endsWith('回复TD退订')).toBe(true)
    expect(smsLength(a.content)).toBeLessThanOrEqual(70)
    expect(a.segments).toBe(segmentsFor(smsLength(a.content)))
    const path = await shortLinkPath(payload, a.params.code)
    expect(path).toMatch(/^\/announcements\//)
    expect(path).not.toContain('r=')
    expect(await deliveriesOf(payload, 'announcements', d.id)).toHaveLength(0)
    expect(await payload.db.count({ collection: 'sms-messages', where: {} })).toMatchObject({ totalDocs: 0 })
  })

  it('urgent content is tested from the urgent template', async () => {
    const d = await draft('紧急停水', true)
    const r = await call(street.editor, { collection: 'announcements', id: d.id, channel: 'sms', phone: '13800000002' })
    expect(r.status).toBe(200)
    expect(provider.accepted[0]).toMatchObject({ templateCode: URGENT, phone: '13800000002' })
    expect(provider.accepted[0].content.startsWith('【徐碧街道】紧急通知：测试：紧急停水。')).toBe(true)
  })

  it('refuses a number that is not a mainland mobile, staff other than editors, and SMS not configured', async () => {
    const d = await draft('停电通知')
    for (const phone of ['12345', '0591-12345678', '', 12345678901]) {
      const bad = await call(street.editor, { collection: 'announcements', id: d.id, channel: 'sms', phone })
      expect(bad.status).toBe(400)
      expect(bad.body.errors).toEqual([{ field: 'phone', message: '请填写一个有效的中国大陆手机号码（11 位，1 开头）。' }])
    }
    expect((await call(street.leaderA, { collection: 'announcements', id: d.id, channel: 'sms', phone: '13800000003' })).status).toBe(403)
    const saved = process.env.SMS_TEMPLATE_URGENT
    delete process.env.SMS_TEMPLATE_URGENT
    try {
      const off = await call(street.editor, { collection: 'announcements', id: d.id, channel: 'sms', phone: '13800000003' })
      expect(off.status).toBe(409)
    } finally {
      process.env.SMS_TEMPLATE_URGENT = saved
    }
    expect(provider.calls).toHaveLength(0)
  })

  it('sends nothing once the month’s SMS budget would be passed', async () => {
    const d = await draft('预算测试')
    await payload.updateGlobal({ slug: 'site-settings', data: { smsBudget: { monthlyYuan: 0 } } as never, overrideAccess: true })
    try {
      const r = await call(street.editor, { collection: 'announcements', id: d.id, channel: 'sms', phone: '13800000004' })
      expect(r.status).toBe(502)
      expect(r.body).toMatchObject({ ok: false, code: 'budget' })
      expect(r.body.message).toContain('测试短信未能发出')
      expect(provider.calls).toHaveLength(0)
    } finally {
      await payload.updateGlobal({ slug: 'site-settings', data: { smsBudget: { monthlyYuan: null } } as never, overrideAccess: true })
    }
  })

  it('is limited per number and street-wide: past the limit 429 with the wait, and nothing is sent', async () => {
    const d = await draft('限流测试')
    process.env.RATE_TEST_SEND_SMS = '2/3600'
    // A window of its own length: the street's tests in the cases above are not counted in it.
    process.env.RATE_TEST_SEND_SMS_STREET = '3/7200'
    try {
      const to = (phone: string) => call(street.editor, { collection: 'announcements', id: d.id, channel: 'sms', phone })
      expect((await to('13900000011')).status).toBe(200)
      expect((await to('13900000011')).status).toBe(200)
      const third = await to('13900000011')
      expect(third.status).toBe(429)
      expect(third.body.message).toMatch(/测试短信发送过于频繁，请 \d+ 秒后再试/)
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(provider.accepted).toHaveLength(2)
      // Another number passes the per-number limit; the street's third test is its last in the window.
      expect((await to('13900000012')).status).toBe(200)
      expect((await to('13900000013')).status).toBe(429)
      expect(provider.accepted.map((a) => a.phone)).toEqual(['13900000011', '13900000011', '13900000012'])
    } finally {
      delete process.env.RATE_TEST_SEND_SMS
      delete process.env.RATE_TEST_SEND_SMS_STREET
    }
  })
})
