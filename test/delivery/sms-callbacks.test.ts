import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { SmsChannel, smsTemplateText } from '../../src/channels/sms'
import { isFailure } from '../../src/channels/types'
import { isUnsubscribeReply } from '../../src/delivery/smsCallbacks'
import { mobileIndex } from '../../src/subscribers/phone'
import { smallStreet, type Id } from '../support/fixtures'
import { testPayload } from '../support/payload'
import { startSmsProvider, type SmsProvider } from '../support/sms-provider'
import { startSite, type Site } from '../site/support'

/**
 * The provider's pushes (issue 17): the stand-in sends real messages, then
 * pushes their delivery reports and residents' replies, in its HTTP batch
 * push format, to our callback routes.
 */
const SIGN = '徐碧街道'
const LINK = 'https://xb.example.cn/s/'
const TEMPLATE = 'SMS_465000001'
const SECRET = 'cb-secret-0123456789abcdef0123'

let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let site: Site
let provider: SmsProvider
let channel: SmsChannel
let previousSecret: string | undefined
let deliveryNo = 0

type Subscriber = { id: Id; channels: string[]; status: string; consents?: { purpose: string; granted: boolean; method: string; evidence?: string }[]; suppressedCode?: string | null; suppressedBy?: string | null }
type MessageRow = { id: Id; reportStatus?: string | null; reportCode?: string | null; reportedAt?: string | null }

const reportUrl = (secret = SECRET) => `${site.base}/sms/callback/${secret}/report`
const upUrl = (secret = SECRET) => `${site.base}/sms/callback/${secret}/up`

async function resident(phone: string, channels: string[]): Promise<Subscriber> {
  return (await payload.create({
    collection: 'subscribers',
    data: { email: `${Math.random().toString(36).slice(2)}@example.org`, phone, grid: street.gridA1.id, channels, topics: ['issues'], status: 'active' } as never,
    overrideAccess: true,
  })) as unknown as Subscriber
}
const reload = async (s: { id: Id }) => (await payload.findByID({ collection: 'subscribers', id: s.id, overrideAccess: true, depth: 0 })) as unknown as Subscriber

/** Sends a real notice through the stand-in: its BizId. */
async function sendOnly(phone: string): Promise<string> {
  const result = await channel.send({ to: phone, kind: 'notice', params: { title: '停水通知', code: 'Ab3dE9xY' } })
  if (isFailure(result)) throw new Error(JSON.stringify(result))
  return result.providerId!
}
/** Writes the message's sms-messages row as the driver does. */
async function record(s: Subscriber, phone: string, bizId: string): Promise<MessageRow & { bizId: string }> {
  const row = await payload.db.create({
    collection: 'sms-messages',
    data: { delivery: `d-${++deliveryNo}`, subscriber: String(s.id), contentType: 'issues', phoneIndex: mobileIndex(phone), bizId, segments: 1, sentAt: new Date().toISOString() },
  })
  return { ...(row as unknown as MessageRow), bizId }
}
const sendTo = async (s: Subscriber, phone: string) => record(s, phone, await sendOnly(phone))
const row = async (id: Id) => (await payload.db.findOne({ collection: 'sms-messages', where: { id: { equals: id } } })) as unknown as MessageRow

beforeAll(async () => {
  previousSecret = process.env.SMS_CALLBACK_SECRET
  process.env.SMS_CALLBACK_SECRET = SECRET
  payload = await testPayload()
  street = await smallStreet(payload)
  site = await startSite(payload)
  provider = await startSmsProvider({ signNames: [SIGN], templates: [{ code: TEMPLATE, text: smsTemplateText('notice', LINK) }] })
  channel = new SmsChannel({
    accessKeyId: provider.accessKeyId,
    accessKeySecret: provider.accessKeySecret,
    signName: SIGN,
    templates: { notice: TEMPLATE, urgent: 'SMS_465000002' },
    linkBase: LINK,
    apiBase: provider.url,
  })
})
afterAll(async () => {
  if (previousSecret === undefined) delete process.env.SMS_CALLBACK_SECRET
  else process.env.SMS_CALLBACK_SECRET = previousSecret
  await provider?.close()
  await site?.close()
})

describe('delivery reports (SmsReport)', () => {
  it('stores a pushed report on its message and answers as the provider expects', async () => {
    const s = await resident('13800138101', ['sms'])
    const sent = await sendTo(s, '13800138101')
    const [push] = await provider.pushReports(reportUrl(), { phones: ['13800138101'] })
    expect(push.status).toBe(200)
    expect(JSON.parse(push.answer)).toEqual({ code: 0, msg: '成功' })
    expect(push.ok).toBe(true)
    const stored = await row(sent.id)
    expect(stored).toMatchObject({ reportStatus: 'delivered', reportCode: 'DELIVERED' })
    // report_time is China time: the stored instant is within a minute of now.
    expect(Math.abs(Date.parse(stored.reportedAt!) - Date.now())).toBeLessThan(60_000)
    expect((await reload(s)).channels).toEqual(['sms'])
  })

  it('ignores a repeated push, and keeps the first report when a later one differs', async () => {
    const s = await resident('13800138102', ['sms'])
    const sent = await sendTo(s, '13800138102')
    await provider.pushReports(reportUrl(), { phones: ['13800138102'] })
    const first = await row(sent.id)
    expect(first.reportStatus).toBe('delivered')
    // The same report again, byte for byte, as the provider repeats a push.
    const [again] = await provider.pushReports(reportUrl(), { phones: ['13800138102'], again: true })
    expect(again.ok).toBe(true)
    expect(await row(sent.id)).toEqual(first)
    // A different report for the same message (a dead-number code): the first stands, the number stays on SMS.
    const items = [{ ...again.items[0], success: false, err_code: 'MK:0001', err_msg: '空号', report_time: '2026-12-31 23:59:59' }]
    const res = await fetch(reportUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(items) })
    expect(await res.json()).toEqual({ code: 0, msg: '成功' })
    expect(await row(sent.id)).toEqual(first)
    expect(await reload(s)).toMatchObject({ channels: ['sms'], status: 'active' })
  })

  it('takes a dead number off SMS: the other channels stay, an SMS-only resident is suppressed with the code', async () => {
    const both = await resident('13800138103', ['email', 'sms'])
    const only = await resident('13800138104', ['sms'])
    const sentBoth = await sendTo(both, '13800138103')
    const sentOnly = await sendTo(only, '13800138104')
    provider.setOutcome('13800138103', { success: false, err_code: 'MK:0001', err_msg: '空号' })
    provider.setOutcome('13800138104', { success: false, err_code: 'MK:0001', err_msg: '空号' })
    const pushes = await provider.pushReports(reportUrl(), { phones: ['13800138103', '13800138104'] })
    expect(pushes.map((p) => p.ok)).toEqual([true])
    expect(await row(sentBoth.id)).toMatchObject({ reportStatus: 'failed', reportCode: 'MK:0001' })
    expect(await reload(both)).toMatchObject({ channels: ['email'], status: 'active' })
    const o = await reload(only)
    expect(o).toMatchObject({ status: 'suppressed', suppressedCode: 'MK:0001', channels: ['sms'] })
    const onlyRow = (await payload.db.findOne({ collection: 'sms-messages', where: { id: { equals: sentOnly.id } } })) as unknown as { delivery: string }
    expect(o.suppressedBy).toBe(onlyRow.delivery)
  })

  it('keeps a number on SMS after a failure that says nothing lasting about it', async () => {
    const s = await resident('13800138105', ['sms'])
    const sent = await sendTo(s, '13800138105')
    provider.setOutcome('13800138105', { success: false, err_code: 'MK:0008', err_msg: '用户关机' })
    await provider.pushReports(reportUrl(), { phones: ['13800138105'] })
    expect(await row(sent.id)).toMatchObject({ reportStatus: 'failed', reportCode: 'MK:0008' })
    expect(await reload(s)).toMatchObject({ channels: ['sms'], status: 'active' })
  })

  it('keeps a number on SMS after codes that are not the number’s death: a regional block, a gateway that did not answer, 停机', async () => {
    const cases = [
      ['13800138111', 'MN:0001', '地区屏蔽'],
      ['13800138112', 'IC:0001', '下级网关无响应'],
      ['13800138113', 'MN:0011', '停机'],
      ['13800138114', 'DB:0141', '未知'],
    ] as const
    for (const [phone, code, message] of cases) {
      const s = await resident(phone, ['email', 'sms'])
      const sent = await sendTo(s, phone)
      provider.setOutcome(phone, { success: false, err_code: code, err_msg: message })
      await provider.pushReports(reportUrl(), { phones: [phone] })
      expect(await row(sent.id)).toMatchObject({ reportStatus: 'failed', reportCode: code })
      expect(await reload(s)).toMatchObject({ channels: ['email', 'sms'], status: 'active' })
    }
  })

  it('answers {"code":1} to a report that overtook its message’s row, and stores it when pushed again', async () => {
    const s = await resident('13800138107', ['sms'])
    const bizId = await sendOnly('13800138107')
    const [early] = await provider.pushReports(reportUrl(), { phones: ['13800138107'] })
    expect(early.ok).toBe(false)
    expect(JSON.parse(early.answer)).toEqual({ code: 1, msg: '有回执对应的短信尚未登记，请稍后重推。' })
    const sent = await record(s, '13800138107', bizId)
    const [again] = await provider.pushReports(reportUrl(), { phones: ['13800138107'], again: true })
    expect(again.ok).toBe(true)
    expect(await row(sent.id)).toMatchObject({ reportStatus: 'delivered', reportCode: 'DELIVERED' })
  })

  it('answers a report for no message sent lately as taken, storing nothing', async () => {
    const items = [{ phone_number: '13800138108', send_time: '2026-01-02 08:00:00', report_time: '2026-01-02 08:00:05', success: true, err_code: 'DELIVERED', err_msg: '用户接收成功', sms_size: '1', biz_id: '999999^0', out_id: '' }]
    const res = await fetch(reportUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(items) })
    expect(await res.json()).toEqual({ code: 0, msg: '成功' })
    expect((await payload.db.find({ collection: 'sms-messages', where: { bizId: { equals: '999999^0' } } })).docs).toEqual([])
  })

  it('answers 404 to a wrong secret, and stores nothing', async () => {
    const s = await resident('13800138106', ['sms'])
    const sent = await sendTo(s, '13800138106')
    const [push] = await provider.pushReports(reportUrl('cb-secret-0123456789abcdef0124'), { phones: ['13800138106'] })
    expect(push.status).toBe(404)
    expect(push.ok).toBe(false)
    expect((await row(sent.id)).reportStatus ?? null).toBeNull()
    const up = await fetch(upUrl('x'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' })
    expect(up.status).toBe(404)
  })

  it('answers 404 on both routes when no secret is set', async () => {
    delete process.env.SMS_CALLBACK_SECRET
    try {
      const res = await fetch(reportUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' })
      expect(res.status).toBe(404)
      expect((await fetch(upUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' })).status).toBe(404)
    } finally {
      process.env.SMS_CALLBACK_SECRET = SECRET
    }
  })

  it('answers a malformed body with {"code":1} and no stack', async () => {
    for (const body of ['{not json', '{"phone_number":"13800138101"}', '[1,2]', '']) {
      const res = await fetch(reportUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      expect(res.status).toBe(200)
      const text = await res.text()
      expect(JSON.parse(text)).toEqual({ code: 1, msg: '推送内容不是 JSON 数组。' })
      expect(text).not.toMatch(/at |Error/)
    }
  })
})

describe('replies (SmsUp)', () => {
  it('reads TD, T, R, N and 退订 however written, and nothing else', () => {
    for (const r of ['TD', ' td ', 'Td', 'ＴＤ', 't', 'R', 'n', '退订', ' 退订\n']) expect(isUnsubscribeReply(r), r).toBe(true)
    for (const r of ['TD谢谢', '好的', 'TDD', '', '退']) expect(isUnsubscribeReply(r), r).toBe(false)
  })

  it('a TD reply unsubscribes the number from SMS for every resident with it and keeps their email', async () => {
    const a = await resident('13800138201', ['email', 'sms'])
    const b = await resident('13800138201', ['sms'])
    const other = await resident('13800138202', ['email', 'sms'])
    await sendTo(a, '13800138201')
    const push = await provider.pushUplink(upUrl(), { phone: '13800138201', content: 'ＴＤ ' })
    expect(push.ok).toBe(true)
    expect(JSON.parse(push.answer)).toEqual({ code: 0, msg: '成功' })
    const ra = await reload(a)
    expect(ra).toMatchObject({ channels: ['email'], status: 'active' })
    expect(ra.consents?.at(-1)).toMatchObject({ purpose: 'content', granted: true, method: 'sms-reply', evidence: expect.stringContaining('TD') })
    const rb = await reload(b)
    expect(rb).toMatchObject({ status: 'unsubscribed' })
    expect(rb.consents?.at(-1)).toMatchObject({ purpose: 'content', granted: false, method: 'sms-reply' })
    expect(await reload(other)).toMatchObject({ channels: ['email', 'sms'], status: 'active' })
    // The same reply again changes nothing more.
    const consents = ra.consents?.length
    expect((await provider.pushUplink(upUrl(), { phone: '13800138201', content: '退订' })).ok).toBe(true)
    expect((await reload(a)).consents?.length).toBe(consents)
  })

  it('any other reply changes nothing', async () => {
    const s = await resident('13800138203', ['email', 'sms'])
    const push = await provider.pushUplink(upUrl(), { phone: '13800138203', content: '请问几点来水？' })
    expect(push.ok).toBe(true)
    expect(await reload(s)).toMatchObject({ channels: ['email', 'sms'], status: 'active' })
  })
})
