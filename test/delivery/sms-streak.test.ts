import type { Payload } from 'payload'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { smallStreet, type Id } from '../support/fixtures'
import { testPayload } from '../support/payload'
import type { SmsProvider } from '../support/sms-provider'
import { deliveriesOf, drain, publishIssue, smsResident, startSmsStreet } from './support'

/**
 * The pipeline's streak guard on SMS (src/delivery/suppression.ts, the SMS driver's restore in
 * src/delivery/sms/restore.ts): the stand-in of Alibaba Cloud SMS calling a whole batch's numbers
 * invalid one after another is the provider's fault: the delivery pauses, the numbers get SMS back,
 * and resumed it texts each of them once. A single invalid number stays off SMS.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let provider: SmsProvider
let seq = 0
let made = 0
const CHANGE = 'SMS_100000054'
const ENV = ['SMS_ACCESS_KEY_ID', 'SMS_ACCESS_KEY_SECRET', 'SMS_SIGN_NAME', 'SMS_TEMPLATE_NOTICE', 'SMS_TEMPLATE_URGENT', 'SMS_TEMPLATE_CHANGE', 'SMS_PRICE_PER_SEGMENT', 'SMS_API_BASE']

type Resident = { id: Id; phone: string }
async function residents(n: number): Promise<Resident[]> {
  const out: Resident[] = []
  for (let i = 0; i < n; i++) {
    made++
    const phone = `135${String(made).padStart(8, '0')}`
    out.push({ id: await smsResident(payload, { phone, email: `st${made}@mail.test`, grid: street.gridA1.id, channels: ['email', 'sms'], smsTopics: ['issues'] }), phone })
  }
  return out
}

const channelsOf = async (r: Resident) => ((await payload.db.findOne({ collection: 'subscribers', where: { id: { equals: r.id } } })) as unknown as { channels: string[] }).channels
const texted = (r: Resident) => provider.accepted.filter((a) => a.phone === r.phone).length
const smsRow = async (id: Id) => (await deliveriesOf(payload, 'issues', id)).find((d) => d.channel === 'sms')!
const goneReceipts = async (delivery: Id) =>
  (await payload.db.count({ collection: 'delivery-receipts', where: { and: [{ delivery: { equals: String(delivery) } }, { status: { equals: 'gone' } }] } })).totalDocs

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  provider = await startSmsStreet({
    notice: 'SMS_100000051',
    urgent: 'SMS_100000052',
    extra: [{ code: CHANGE, kind: 'change', paramMax: { change: 2 } }],
    onlySms: true,
    env: { DELIVERY_RETRY_BASE_MS: '20', DELIVERY_BATCH_SIZE: '50', SMS_TEMPLATE_CHANGE: CHANGE },
  })
  await payload.updateGlobal({ slug: 'site-settings', data: { smsQuietHours: { start: 0, end: 0 } } as never, overrideAccess: true })
})

beforeEach(async () => {
  provider.reset()
  seq++
  await payload.db.updateMany({ collection: 'subscribers', where: { status: { in: ['active', 'suppressed'] } }, data: { status: 'unsubscribed' } })
})

afterAll(async () => {
  for (const k of ENV) delete process.env[k]
  await provider?.close()
})

describe('the streak guard on SMS', () => {
  it('a batch whose 12 numbers are all called invalid pauses the delivery and gives SMS back to them; resumed, each is texted once', async () => {
    const all = await residents(12)
    // The batch call is refused whole, then each of the 12 numbers by itself: the same answer 12 times in a row.
    provider.inject('isv.MOBILE_NUMBER_ILLEGAL', { times: 13 })
    const issue = await publishIssue(payload, `第${seq}期社区通讯：短信连续拒收`)
    await drain(payload)
    const paused = await smsRow(issue.id)
    expect(paused).toMatchObject({ status: 'paused', submitted: 0, gone: 0 })
    expect(paused.reason).toBe('连续 12 个号码被同一答复拒收（isv.MOBILE_NUMBER_ILLEGAL），更像是短信服务商的问题，已暂停，这 12 个号码已恢复短信接收。请联系短信服务商后点击继续。')
    expect(await goneReceipts(paused.id)).toBe(0)
    for (const r of all) expect(await channelsOf(r)).toEqual(['email', 'sms'])
    expect(provider.accepted).toHaveLength(0)

    // The provider is fixed; the editor resumes.
    await payload.update({ collection: 'deliveries', id: paused.id, data: { status: 'queued' } as never, user: street.editor, overrideAccess: false })
    await drain(payload)
    expect(await smsRow(issue.id)).toMatchObject({ status: 'done', total: 12, submitted: 12, gone: 0, failed: 0 })
    expect(all.map(texted)).toEqual(all.map(() => 1))
    expect(provider.accepted).toHaveLength(12)
    const rows = await payload.db.count({ collection: 'sms-messages', where: { delivery: { equals: String(paused.id) } } })
    expect(rows.totalDocs).toBe(12)
  })

  it('residents whose email bounced (suppressed) get SMS back from a streak on a correction notice, and are texted it once', async () => {
    const all = await residents(12)
    const issue = await publishIssue(payload, `第${seq}期社区通讯：邮箱退信后短信更正`)
    await drain(payload)
    expect(await smsRow(issue.id)).toMatchObject({ status: 'done', submitted: 12 })
    // Later their mailboxes bounced: the records are suppressed (by some email delivery); SMS still goes to them.
    const ids = all.map((r) => r.id)
    await payload.db.updateMany({ collection: 'subscribers', where: { id: { in: ids } }, data: { status: 'suppressed', suppressedBy: 'mail-1', suppressedCode: '5.1.1' } })

    provider.reset()
    // A change message goes one number a call: the same answer 12 times in a row.
    provider.inject('isv.MOBILE_NUMBER_ILLEGAL', { times: 12 })
    await payload.update({ collection: 'issues', id: issue.id, data: { title: `第${seq}期社区通讯：邮箱退信后（更正）`, _status: 'published', notice: true } as never, overrideAccess: true })
    await drain(payload)
    const notice = (await deliveriesOf(payload, 'issues', issue.id)).find((d) => d.channel === 'sms' && d.kind === 'correction')!
    expect(notice).toMatchObject({ status: 'paused', submitted: 0, gone: 0 })
    expect(notice.reason).toBe('连续 12 个号码被同一答复拒收（isv.MOBILE_NUMBER_ILLEGAL），更像是短信服务商的问题，已暂停，这 12 个号码已恢复短信接收。请联系短信服务商后点击继续。')
    for (const r of all) expect(await channelsOf(r)).toEqual(['email', 'sms'])
    // Still suppressed: the streak gives back their numbers, not their mailbox.
    const { docs } = await payload.db.find({ collection: 'subscribers', where: { id: { in: ids } }, limit: 0, pagination: false })
    expect(docs.map((s) => (s as unknown as { status: string }).status)).toEqual(ids.map(() => 'suppressed'))

    await payload.update({ collection: 'deliveries', id: notice.id, data: { status: 'queued' } as never, user: street.editor, overrideAccess: false })
    await drain(payload)
    expect((await deliveriesOf(payload, 'issues', issue.id)).find((d) => d.id === notice.id)).toMatchObject({ status: 'done', total: 12, submitted: 12, gone: 0, failed: 0 })
    expect(all.map(texted)).toEqual(all.map(() => 1))
    expect(provider.accepted.map((a) => a.templateCode)).toEqual(all.map(() => CHANGE))
  })

  it('a single invalid number among good ones stays off SMS; the delivery goes on', async () => {
    const all = await residents(3)
    // The batch call is refused whole, then one of the three numbers by itself.
    provider.inject('isv.MOBILE_NUMBER_ILLEGAL', { times: 2 })
    const issue = await publishIssue(payload, `第${seq}期社区通讯：一个空号`)
    await drain(payload)
    const d = await smsRow(issue.id)
    expect(d).toMatchObject({ status: 'done', total: 3, submitted: 2, gone: 1 })
    expect(await goneReceipts(d.id)).toBe(1)
    const channels = await Promise.all(all.map(channelsOf))
    const off = all.filter((_, i) => !channels[i].includes('sms'))
    expect(off).toHaveLength(1)
    expect(await channelsOf(off[0])).toEqual(['email'])
    expect(all.map(texted).sort()).toEqual([0, 1, 1])
    expect(texted(off[0])).toBe(0)
  })
})
