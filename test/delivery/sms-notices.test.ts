import type { Payload } from 'payload'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { segmentsFor, smsLength } from '../../src/channels/sms'
import { publicUrl } from '../../src/server/env'
import { PASSWORD, smallStreet, type Id } from '../support/fixtures'
import { rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'
import type { SmsProvider } from '../support/sms-provider'
import { startSite, type Site } from '../site/support'
import { BROWSER } from '../readership/support'
import { deliveriesOf, drain, richBody, smsResident, startSmsStreet } from './support'

/**
 * Correction and withdrawal notices by SMS (issue 17): to the residents the
 * content's own SMS delivery reached and only them, from the approved
 * `change` template (SMS_TEMPLATE_CHANGE: 更正/撤回, the title, the resident's
 * short link, 回复TD退订), fitted as the provider counts; without that
 * template the SMS notice is skipped with the reason, and nothing is sent.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let provider: SmsProvider
let site: Site
let editor = ''
let seq = 0
let made = 0
const NOTICE = 'SMS_100000011'
const URGENT = 'SMS_100000012'
const CHANGE = 'SMS_100000014'

type Resident = { id: Id; phone: string }
async function residents(n: number, opts: { smsTopics?: string[]; channels?: string[] } = {}): Promise<Resident[]> {
  const out: Resident[] = []
  for (let i = 0; i < n; i++) {
    made++
    const phone = `137${String(made).padStart(8, '0')}`
    const id = await smsResident(payload, { phone, email: `n${made}@mail.test`, grid: street.gridA1.id, channels: opts.channels ?? ['sms', 'email'], smsTopics: opts.smsTopics ?? ['policies'] })
    out.push({ id, phone })
  }
  return out
}

async function publishPolicy(title: string) {
  return (await payload.create({
    collection: 'policies',
    data: { title, issuingBody: '区民政局', summary: '要点', body: richBody('正文。'), _status: 'published' } as never,
    user: { ...street.editor, collection: 'users' } as never,
    overrideAccess: false,
  })) as unknown as { id: Id }
}

const smsRows = async (id: Id) => (await deliveriesOf(payload, 'policies', id)).filter((d) => d.channel === 'sms')
const messagesOf = async (delivery: Id) =>
  (await payload.db.find({ collection: 'sms-messages', where: { delivery: { equals: String(delivery) } }, limit: 0, pagination: false })).docs as unknown as {
    subscriber: string
    segments: number
  }[]

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  await payload.updateGlobal({ slug: 'site-settings', data: { streetName: '徐碧街道', periodicalName: '聚焦徐碧' } as never, overrideAccess: true })
  provider = await startSmsStreet({
    notice: NOTICE,
    urgent: URGENT,
    extra: [{ code: CHANGE, kind: 'change', paramMax: { change: 2 } }],
    signName: '【徐碧街道】',
    onlySms: true,
    env: { SMS_TEMPLATE_CHANGE: CHANGE, DELIVERY_BATCH_SIZE: '50', DELIVERY_RETRY_BASE_MS: '20' },
  })
  editor = await tokenFor(payload, street.editor.email, PASSWORD)
  site = await startSite(payload)
})

beforeEach(async () => {
  provider.reset()
  seq++
  await payload.db.updateMany({ collection: 'subscribers', where: { status: { equals: 'active' } }, data: { status: 'unsubscribed' } })
  await payload.updateGlobal({ slug: 'site-settings', data: { smsQuietHours: { start: 0, end: 0 } } as never, overrideAccess: true })
})

afterAll(async () => {
  for (const k of ['SMS_ACCESS_KEY_ID', 'SMS_ACCESS_KEY_SECRET', 'SMS_SIGN_NAME', 'SMS_TEMPLATE_NOTICE', 'SMS_TEMPLATE_URGENT', 'SMS_TEMPLATE_CHANGE', 'SMS_PRICE_PER_SEGMENT', 'SMS_API_BASE']) {
    delete process.env[k]
  }
  await site?.close()
  await provider?.close()
})

describe('SMS correction and withdrawal notices', () => {
  it('a correction notice goes by SMS from the change template to those the SMS delivery reached, and only them', async () => {
    const reached = await residents(4)
    // Not reached by the original: urgent only by SMS.
    await residents(2, { smsTopics: [] })
    const title = `第${seq}号通知：老旧小区加装电梯征求意见与社区食堂延长营业时间的安排`
    const policy = await publishPolicy(title)
    await drain(payload)
    const [original] = await smsRows(policy.id)
    expect(original).toMatchObject({ status: 'done', submitted: 4 })
    expect(provider.accepted).toHaveLength(4)

    // After the original: a new resident ticks policies (not written to); one reached takes SMS off (not written to).
    await residents(1)
    await payload.db.updateMany({ collection: 'subscribers', where: { id: { equals: reached[3].id } }, data: { channels: ['email'] } })
    provider.reset()

    const r = await rest('PATCH', `policies/${policy.id}?depth=0`, { token: editor, body: { title: `${title}（修订）`, _status: 'published', notice: true } })
    expect(r.status).toBe(200)
    const notice = (await smsRows(policy.id)).find((d) => d.kind === 'correction')!
    expect(notice).toMatchObject({ status: 'queued', notice: 1, original: String(original.id) })
    await drain(payload)
    expect((await smsRows(policy.id)).find((d) => d.kind === 'correction')).toMatchObject({ status: 'done', total: 3, submitted: 3 })

    const sent = provider.accepted
    expect(new Set(sent.map((a) => a.phone))).toEqual(new Set(reached.slice(0, 3).map((x) => x.phone)))
    for (const a of sent) {
      expect(a.templateCode).toBe(CHANGE)
      expect(a.params.change).toBe('更正')
      expect(a.content.startsWith('【徐碧街道】街道资讯更正：')).toBe(true)
      expect(a.content).toContain(`${publicUrl()}/s/${a.params.code}`)
      expect(a.content.endsWith('回复TD退订')).toBe(true)
      // The long title is shortened so the whole message, sign and 回复TD退订 included, is one segment as the provider counts.
      expect(a.params.title.endsWith('…')).toBe(true)
      expect(smsLength(a.content)).toBeLessThanOrEqual(70)
      expect(a.segments).toBe(segmentsFor(smsLength(a.content)))
      expect(a.segments).toBe(1)
    }
    const rows = await messagesOf(notice.id)
    expect(rows.map((m) => m.segments)).toEqual([1, 1, 1])

    // The link leads to the corrected page.
    const res = await site.get(`/s/${sent[0].params.code}`, { headers: { 'user-agent': BROWSER } })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toContain('/policies/')
  })

  it('a withdrawal notice says 撤回, and its link leads to the withdrawn notice page', async () => {
    const reached = await residents(2)
    const policy = await publishPolicy(`第${seq}号短通知`)
    await drain(payload)
    expect(provider.accepted).toHaveLength(2)
    provider.reset()

    const r = await rest('PATCH', `policies/${policy.id}?depth=0&fallback-locale=null&unpublishAllLocales=false`, { token: editor, body: { _status: 'draft', notice: true } })
    expect(r.status).toBe(200)
    await drain(payload)
    expect((await smsRows(policy.id)).find((d) => d.kind === 'withdrawal')).toMatchObject({ status: 'done', submitted: 2 })
    expect(new Set(provider.accepted.map((a) => a.phone))).toEqual(new Set(reached.map((x) => x.phone)))
    const a = provider.accepted[0]
    expect(a.content).toBe(`【徐碧街道】街道资讯撤回：第${seq}号短通知，详见 ${publicUrl()}/s/${a.params.code} 回复TD退订`)
    const res = await site.get(`/s/${a.params.code}`, { headers: { 'user-agent': BROWSER } })
    expect(res.status).toBe(302)
    const page = await site.get(res.headers.get('location')!.slice(publicUrl().length), { headers: { 'user-agent': BROWSER } })
    expect(page.status).toBe(410)
  })

  it('without SMS_TEMPLATE_CHANGE the SMS notice is skipped with the reason, and nothing is sent', async () => {
    await residents(2)
    const policy = await publishPolicy(`第${seq}号无模板`)
    await drain(payload)
    expect(provider.accepted).toHaveLength(2)
    provider.reset()
    delete process.env.SMS_TEMPLATE_CHANGE
    try {
      const patched = await rest('PATCH', `policies/${policy.id}?depth=0`, { token: editor, body: { summary: '要点（改）', _status: 'published', notice: true } })
      expect(patched.status).toBe(200)
      await drain(payload)
      const notice = (await smsRows(policy.id)).find((d) => d.kind === 'correction')!
      expect(notice.status).toBe('skipped')
      expect(notice.reason).toContain('SMS_TEMPLATE_CHANGE')
      expect(provider.calls).toHaveLength(0)
    } finally {
      process.env.SMS_TEMPLATE_CHANGE = CHANGE
    }
  })
})
