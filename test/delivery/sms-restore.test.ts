import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { PASSWORD, smallStreet, type Id } from '../support/fixtures'
import { rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'
import type { SmsProvider } from '../support/sms-provider'
import { startSite, type Site } from '../site/support'
import { deliveriesOf, drain, publishIssue, smsResident, startSmsStreet } from './support'

/**
 * Undoing numbers an SMS delivery took off SMS, by delivery and code as an
 * email relay's refusals are undone: an invalid number (at the call), a dead
 * number with other channels (off SMS), a dead number that was the only
 * channel (suppressed), both by the report code MK:0001. A TD reply is the resident's own choice: never undone,
 * even from a number already taken off. Admins only, audited.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let provider: SmsProvider
let site: Site
const tokens: Record<string, string> = {}
const SECRET = 'restore-secret-0123456789abcdef'
const NOTICE = 'SMS_100000031'
const URGENT = 'SMS_100000032'
const ENV = ['SMS_ACCESS_KEY_ID', 'SMS_ACCESS_KEY_SECRET', 'SMS_SIGN_NAME', 'SMS_TEMPLATE_NOTICE', 'SMS_TEMPLATE_URGENT', 'SMS_PRICE_PER_SEGMENT', 'SMS_API_BASE', 'SMS_CALLBACK_SECRET']

type Row = { id: Id; channels: string[]; status: string; suppressedBy?: string | null; suppressedCode?: string | null }
const reload = async (id: Id) => (await payload.db.findOne({ collection: 'subscribers', where: { id: { equals: id } } })) as unknown as Row

async function resident(phone: string, channels: string[]): Promise<Id> {
  return smsResident(payload, { phone, email: `${phone}@mail.test`, grid: street.gridA1.id, channels, topics: ['issues'], smsTopics: ['issues'] })
}

const post = (url: string, items: unknown[]) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(items) })

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  // No quiet hours: from 21:00 street time the issue's texts would wait until 08:00.
  await payload.updateGlobal({ slug: 'site-settings', data: { smsQuietHours: { start: 0, end: 0 } } as never, overrideAccess: true })
  provider = await startSmsStreet({ notice: NOTICE, urgent: URGENT, onlySms: true, env: { SMS_CALLBACK_SECRET: SECRET, DELIVERY_RETRY_BASE_MS: '20' } })
  site = await startSite(payload)
  for (const u of ['admin', 'editor'] as const) tokens[u] = await tokenFor(payload, street[u].email, PASSWORD)
})

afterAll(async () => {
  for (const k of ENV) delete process.env[k]
  await site?.close()
  await provider?.close()
})

describe('undoing a number taken off SMS', () => {
  it('restores by delivery and code: invalid number, dead number with other channels, dead SMS-only number; a TD reply stands; admins only, audited', async () => {
    const invalid = await resident('13600000001', ['sms', 'email'])
    const deadBoth = await resident('13600000002', ['email', 'sms'])
    const deadOnly = await resident('13600000003', ['sms'])
    const deadThenTd = await resident('13600000004', ['email', 'sms'])
    const fine = await resident('13600000005', ['email', 'sms'])

    // The batch is refused whole, then sent number by number: the first (the oldest resident) is called invalid.
    provider.inject('isv.MOBILE_NUMBER_ILLEGAL', { times: 2 })
    const issue = await publishIssue(payload, '第一期撤销测试')
    await drain(payload)
    const d = (await deliveriesOf(payload, 'issues', issue.id)).find((x) => x.channel === 'sms')!
    expect(d).toMatchObject({ status: 'done', submitted: 4, gone: 1 })
    expect((await reload(invalid)).channels).toEqual(['email'])

    provider.setOutcome('13600000002', { success: false, err_code: 'MK:0001', err_msg: '空号' })
    provider.setOutcome('13600000003', { success: false, err_code: 'MK:0001', err_msg: '空号' })
    provider.setOutcome('13600000004', { success: false, err_code: 'MK:0001', err_msg: '空号' })
    const pushes = await provider.pushReports(`${site.base}/sms/callback/${SECRET}/report`)
    expect(pushes.every((p) => p.ok)).toBe(true)
    expect(await reload(deadBoth)).toMatchObject({ channels: ['email'], status: 'active' })
    expect(await reload(deadOnly)).toMatchObject({ channels: ['sms'], status: 'suppressed', suppressedCode: 'MK:0001' })
    // The number was not dead after all, and its resident replied TD: their choice.
    const td = await post(`${site.base}/sms/callback/${SECRET}/up`, [{ phone_number: '13600000004', content: 'TD', send_time: '2026-12-07 10:00:00', dest_code: '1', sequence_id: 1 }])
    expect(await td.json()).toMatchObject({ code: 0 })
    // A TD from a resident still on SMS is not an episode of the delivery at all.
    await post(`${site.base}/sms/callback/${SECRET}/up`, [{ phone_number: '13600000005', content: '退订', send_time: '2026-12-07 10:00:00', dest_code: '1', sequence_id: 2 }])
    expect((await reload(fine)).channels).toEqual(['email'])

    const listed = await rest('GET', `deliveries/${d.id}/suppressed`, { token: tokens.editor })
    expect(listed.status).toBe(200)
    expect(listed.body.reasons).toEqual([
      { code: 'MK:0001', count: 2 },
      { code: 'isv.MOBILE_NUMBER_ILLEGAL', count: 1 },
    ])

    // Editors see; only admins restore.
    expect((await rest('POST', `deliveries/${d.id}/restore-suppressed`, { token: tokens.editor, body: { code: 'MK:0001' } })).status).toBe(403)
    expect(await reload(deadBoth)).toMatchObject({ channels: ['email'] })

    let r = await rest('POST', `deliveries/${d.id}/restore-suppressed`, { token: tokens.admin, body: { code: 'MK:0001' } })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ restored: 2, message: '已为 2 位居民恢复短信接收。' })
    expect(await reload(deadBoth)).toMatchObject({ channels: ['email', 'sms'], status: 'active' })
    expect(await reload(deadOnly)).toMatchObject({ channels: ['sms'], status: 'active', suppressedBy: null, suppressedCode: null })
    expect((await reload(deadThenTd)).channels).toEqual(['email'])

    r = await rest('POST', `deliveries/${d.id}/restore-suppressed`, { token: tokens.admin, body: { code: 'isv.MOBILE_NUMBER_ILLEGAL' } })
    expect(r.body.restored).toBe(1)
    expect(await reload(invalid)).toMatchObject({ channels: ['email', 'sms'], status: 'active' })
    // Its refusal is no longer counted, and its receipt went: a retry of the delivery texts the number.
    const after = (await deliveriesOf(payload, 'issues', issue.id)).find((x) => x.channel === 'sms')!
    expect(after.gone).toBe(0)
    expect((await payload.db.count({ collection: 'delivery-receipts', where: { and: [{ delivery: { equals: String(d.id) } }, { status: { equals: 'gone' } }] } })).totalDocs).toBe(0)

    // Nothing is left to restore; asked again, 404.
    expect((await rest('GET', `deliveries/${d.id}/suppressed`, { token: tokens.editor })).body.reasons).toEqual([])
    expect((await rest('POST', `deliveries/${d.id}/restore-suppressed`, { token: tokens.admin, body: { code: 'MK:0001' } })).status).toBe(404)

    const audit = (
      await payload.find({
        collection: 'audit-log',
        where: { and: [{ action: { equals: 'unsuppress' } }, { targetId: { equals: String(d.id) } }] },
        sort: 'createdAt',
        overrideAccess: true,
        depth: 0,
      })
    ).docs as unknown as { actor: Id | null; detail: string }[]
    expect(audit.map((a) => a.detail)).toEqual([
      '为因回执或错误代码 MK:0001 停用短信的居民恢复短信 2 位',
      '为因回执或错误代码 isv.MOBILE_NUMBER_ILLEGAL 停用短信的居民恢复短信 1 位',
    ])
    expect(audit.every((a) => String(a.actor) === String(street.admin.id))).toBe(true)
  })
})
