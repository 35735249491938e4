import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { smsRelayTemplateText, smsTemplateText } from '../../src/channels/sms'
import { relayTellJob, tellHeads } from '../../src/jobs/relayTell'
import { RELAY_TELL_TASK } from '../../src/jobs/relayTellTask'
import { runQueue } from '../../src/jobs/runner'
import { smsSpend } from '../../src/readership/smsSpend'
import { changeRelayLink, relayPath, relayToken } from '../../src/relay/links'
import { takeLease } from '../../src/store/leases'
import { streetHour } from '../../src/templates/format'
import { body, type Id } from '../support/fixtures'
import { testPayload } from '../support/payload'
import { type SmsProvider, startSmsProvider } from '../support/sms-provider'
import { Client, mailsTo, setUpStreet, startWorld, stopWorld, type World } from '../subscribe/support'

/**
 * Heads told of a notice (issue 18) from the job the publish hook queues,
 * through the SMS provider's stand-in and the local SMTP server: once per
 * head and content even with two workers and a direct run at once, by SMS
 * where SMS and the heads' template are configured (the short link leads to
 * the head's page, and dies with the link), by email otherwise, never
 * without consent; non-urgent texts wait out the quiet hours; each text is
 * counted in the month's spend; a head whose lease a dead process holds is
 * told once the lease ran out.
 */
let payload: Payload
let w: World
let provider: SmsProvider
let codes: { b3: string; b5: string; b12: string }
const SMS_NAMES = ['SMS_ACCESS_KEY_ID', 'SMS_ACCESS_KEY_SECRET', 'SMS_SIGN_NAME', 'SMS_TEMPLATE_NOTICE', 'SMS_TEMPLATE_URGENT', 'SMS_TEMPLATE_RELAY', 'SMS_PRICE_PER_SEGMENT', 'SMS_API_BASE']
const RELAY_TEMPLATE = 'SMS_465000003'
const PHONE3 = '13800000003'
const PHONE12 = '13800000012'
let linkBase: string

const smsOn = () =>
  Object.assign(process.env, {
    SMS_ACCESS_KEY_ID: provider.accessKeyId,
    SMS_ACCESS_KEY_SECRET: provider.accessKeySecret,
    SMS_SIGN_NAME: '徐碧街道',
    SMS_TEMPLATE_NOTICE: 'SMS_465000001',
    SMS_TEMPLATE_URGENT: 'SMS_465000002',
    SMS_TEMPLATE_RELAY: RELAY_TEMPLATE,
    SMS_PRICE_PER_SEGMENT: '0.045',
    SMS_API_BASE: provider.url,
  })
const smsOff = () => {
  for (const n of SMS_NAMES) delete process.env[n]
}
const quiet = (start: number, end: number) => payload.updateGlobal({ slug: 'site-settings', data: { smsQuietHours: { start, end } } as never, overrideAccess: true })
const textsTo = (phone: string) => provider.accepted.filter((m) => m.phone === phone)
const announce = async (title: string, grid: Id, urgent: boolean) =>
  (await payload.create({ collection: 'announcements', data: { title, grids: [grid], urgent, body: body('正文'), _status: 'published', publishedAt: new Date().toISOString() } as never, overrideAccess: true })) as unknown as { id: Id }
const runWorkers = () => Promise.all([runQueue(payload, 'default', { owner: 'worker-1' }), runQueue(payload, 'default', { owner: 'worker-2' })])
const pendingTells = async () => {
  const { docs } = await payload.db.find({ collection: 'payload-jobs', where: { and: [{ taskSlug: { equals: RELAY_TELL_TASK } }, { completedAt: { exists: false } }] }, limit: 0, pagination: false })
  return docs as unknown as { id: Id; input: { contentId: string }; waitUntil?: string }[]
}

beforeAll(async () => {
  smsOff()
  payload = await testPayload()
  const street = await setUpStreet(payload)
  w = await startWorld(payload, street)
  // Jobs queued by the street's own content: run now, so that each test sees its own jobs only.
  await runWorkers()
  provider = await startSmsProvider({ signNames: ['徐碧街道'], templates: [] })
  linkBase = `${process.env.PUBLIC_URL}/s/`
  provider.addTemplate({ code: 'SMS_465000001', text: smsTemplateText('notice', linkBase) })
  provider.addTemplate({ code: 'SMS_465000002', text: smsTemplateText('urgent', linkBase) })
  provider.addTemplate({ code: RELAY_TEMPLATE, text: smsRelayTemplateText(linkBase) })
  const gridA = (await payload.findByID({ collection: 'grids', id: street.gridA1.id, overrideAccess: true, depth: 0 })) as unknown as { buildings: { code: string }[] }
  const gridB = (await payload.findByID({ collection: 'grids', id: street.gridB1.id, overrideAccess: true, depth: 0 })) as unknown as { buildings: { code: string }[] }
  codes = { b3: gridA.buildings[0].code, b5: gridA.buildings[1].code, b12: gridB.buildings[0].code }
  // 3栋: phone and email, consent. 5栋: email only, consent. 乙 12栋: phone, no consent recorded.
  await changeRelayLink(payload, undefined, codes.b3, 'issue', { head: '王大伯', headPhone: PHONE3, headEmail: 'wang@heads.test', consent: true })
  await changeRelayLink(payload, undefined, codes.b5, 'issue', { head: '李阿姨', headEmail: 'li@heads.test', consent: true })
  await changeRelayLink(payload, undefined, codes.b12, 'issue', { head: '赵师傅', headPhone: PHONE12, consent: false })
  // No quiet hours unless a test sets them: the tests do not depend on the clock.
  await quiet(0, 0)
}, 120_000)

afterAll(async () => {
  smsOff()
  if (w) await stopWorld(w)
  await provider?.close()
})

describe('heads told of a notice', () => {
  let code3: string
  let gridA: Id
  let gridB: Id

  it('texts a head once per content, even with two workers and a direct run at once; the email-only head is mailed', async () => {
    smsOn()
    gridA = w.street.gridA1.id
    gridB = w.street.gridB1.id
    const notice = await announce('甲一网格明日停水', gridA, true)
    // The publish only queued the job: nothing went out from the hook.
    expect(provider.accepted).toHaveLength(0)
    expect((await pendingTells()).map((j) => j.input.contentId)).toEqual([String(notice.id)])
    await Promise.all([runWorkers(), tellHeads(payload, { type: 'announcements', id: notice.id })])
    expect(textsTo(PHONE3)).toHaveLength(1)
    const [text] = textsTo(PHONE3)
    expect(text.templateCode).toBe(RELAY_TEMPLATE)
    code3 = text.params.code
    expect(text.content).toBe(`【徐碧街道】楼栋长您好：甲一网格明日停水，请转发到楼栋群。您的楼栋页 ${linkBase}${code3} 仅供本人使用，请勿转发。`)
    // By SMS, so not by email too; the head without a phone by email, once.
    await w.smtp.waitFor(1, 20_000)
    expect(mailsTo(w.smtp, 'wang@heads.test')).toHaveLength(0)
    const mails = mailsTo(w.smtp, 'li@heads.test')
    expect(mails).toHaveLength(1)
    expect(mails[0].parsed!.subject).toBe('【碧湖小区 5栋】请转达：甲一网格明日停水')
    expect(mails[0].parsed!.text).toContain(`${process.env.PUBLIC_URL}/relay/`)
    // The short link leads to the head's own page, and nowhere else.
    const client = new Client(w.site.base)
    const s = await client.get(`/s/${code3}`)
    expect(s.status).toBe(302)
    expect(s.res.headers.get('location')).toBe(`${process.env.PUBLIC_URL}${relayPath(relayToken(codes.b3, 1))}`)
    expect((await client.get(relayPath(relayToken(codes.b3, 1)))).status).toBe(200)
    // Counted in the month's spend, under its own type.
    const spend = await smsSpend(payload)
    expect(spend.byType.find((r) => r.contentType === 'relay-heads')).toMatchObject({ label: '楼栋长通知', messages: 1, segments: text.segments })
    // Later runs tell nobody again.
    await tellHeads(payload, { type: 'announcements', id: notice.id })
    await relayTellJob({ input: { contentType: 'announcements', contentId: String(notice.id) }, req: { payload } } as never)
    expect(textsTo(PHONE3)).toHaveLength(1)
    expect(mailsTo(w.smtp, 'li@heads.test')).toHaveLength(1)
    expect(await pendingTells()).toEqual([])
  })

  it('never tells a head without consent: urgent street content reaches every grid’s heads who agreed', async () => {
    const issue = (await payload.create({
      collection: 'issues',
      data: { title: '寒潮预警', urgent: true, articles: [{ title: '寒潮预警·正文', body: body('注意保暖。') }], _status: 'published', publishedAt: new Date().toISOString() } as never,
      overrideAccess: true,
    })) as unknown as { id: Id }
    await runWorkers()
    expect(textsTo(PHONE3).map((m) => m.params.title)).toEqual(['甲一网格明日停水', '寒潮预警'])
    expect(textsTo(PHONE12)).toEqual([])
    // The head agrees: the next urgent content reaches them.
    await changeRelayLink(payload, undefined, codes.b12, 'issue', { consent: true })
    const notice = await announce('乙一网格紧急通知', gridB, true)
    await runWorkers()
    expect(textsTo(PHONE12).map((m) => m.params.title)).toEqual(['乙一网格紧急通知'])
    expect(issue.id).toBeTruthy()
    expect(notice.id).toBeTruthy()
  })

  it('holds a non-urgent text in the SMS quiet hours and comes back when they end; email goes at once', async () => {
    const hour = streetHour(new Date())
    await quiet(hour, (hour + 2) % 24)
    const before = mailsTo(w.smtp, 'li@heads.test').length
    const notice = await announce('甲一网格周末楼道清理', gridA, false)
    await runWorkers()
    expect(textsTo(PHONE3).map((m) => m.params.title)).not.toContain('甲一网格周末楼道清理')
    await w.smtp.waitFor(w.smtp.messages.length, 20_000)
    expect(mailsTo(w.smtp, 'li@heads.test')).toHaveLength(before + 1)
    const [again] = await pendingTells()
    expect(again.input.contentId).toBe(String(notice.id))
    expect(new Date(again.waitUntil!).getTime()).toBeGreaterThan(Date.now() + 60 * 60_000)
    // The quiet hours over (here: set off), the job that comes back texts the head, once.
    await quiet(0, 0)
    await payload.db.updateOne({ collection: 'payload-jobs', id: again.id, data: { waitUntil: new Date(Date.now() - 1000).toISOString() }, returning: false })
    await runWorkers()
    expect(textsTo(PHONE3).filter((m) => m.params.title === '甲一网格周末楼道清理')).toHaveLength(1)
    expect(mailsTo(w.smtp, 'li@heads.test')).toHaveLength(before + 1)
  })

  it('a rotated or revoked link’s short link answers 404: an old text never leads to a successor’s page', async () => {
    const client = new Client(w.site.base)
    const reissued = (await changeRelayLink(payload, undefined, codes.b3, 'issue'))!
    for (const m of textsTo(PHONE3)) expect((await client.get(`/s/${m.params.code}`)).status).toBe(404)
    // A text with the new link leads to it, until the link is revoked.
    const notice = await announce('甲一网格燃气检修', gridA, true)
    await runWorkers()
    const code = textsTo(PHONE3).find((m) => m.params.title === '甲一网格燃气检修')!.params.code
    const s = await client.get(`/s/${code}`)
    expect(s.res.headers.get('location')).toBe(reissued.link)
    await changeRelayLink(payload, undefined, codes.b3, 'revoke')
    expect((await client.get(`/s/${code}`)).status).toBe(404)
    expect(notice.id).toBeTruthy()
    await changeRelayLink(payload, undefined, codes.b3, 'issue')
  })

  it('a head whose lease a dead process holds is told once the lease ran out', async () => {
    const notice = await announce('甲一网格电梯维保', gridA, true)
    await takeLease(payload, 'relay-tell', `announcements:${String(notice.id)}:${codes.b3}`, 1, 'dead-process', 400)
    await runWorkers()
    expect(textsTo(PHONE3).filter((m) => m.params.title === '甲一网格电梯维保')).toHaveLength(0)
    await new Promise((r) => setTimeout(r, 500))
    const run = await tellHeads(payload, { type: 'announcements', id: notice.id })
    expect(run.told).toEqual([{ building: codes.b3, by: 'sms' }])
    expect(textsTo(PHONE3).filter((m) => m.params.title === '甲一网格电梯维保')).toHaveLength(1)
  })

  it('past the monthly budget a head is mailed instead; without SMS configured, by email as before', async () => {
    await payload.updateGlobal({ slug: 'site-settings', data: { smsBudget: { monthlyYuan: 0.01 } } as never, overrideAccess: true })
    const texts = provider.accepted.length
    await announce('甲一网格预算测试', gridA, true)
    await runWorkers()
    expect(provider.accepted).toHaveLength(texts)
    await w.smtp.waitFor(w.smtp.messages.length, 20_000)
    await waitUntil(() => mailsTo(w.smtp, 'wang@heads.test').length === 1)
    expect(mailsTo(w.smtp, 'wang@heads.test')[0].parsed!.subject).toBe('【碧湖小区 3栋】请转达：甲一网格预算测试')
    await payload.updateGlobal({ slug: 'site-settings', data: { smsBudget: { monthlyYuan: null } } as never, overrideAccess: true })

    smsOff()
    await announce('甲一网格停电通知', gridA, false)
    await runWorkers()
    expect(provider.accepted).toHaveLength(texts)
    await waitUntil(() => mailsTo(w.smtp, 'wang@heads.test').length === 2)
    expect(mailsTo(w.smtp, 'wang@heads.test')[1].parsed!.subject).toBe('【碧湖小区 3栋】请转达：甲一网格停电通知')
  })
})

async function waitUntil(ok: () => boolean, ms = 10_000) {
  const end = Date.now() + ms
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 50))
  }
}
