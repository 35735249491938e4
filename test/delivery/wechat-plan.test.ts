import type { Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import type { DeliveryDoc } from '../../src/collections/Deliveries'
import { addDays, planDays } from '../../src/delivery/wechat/plan'
import { streetDay } from '../../src/templates/format'
import type { smallStreet } from '../support/fixtures'
import { rest } from '../support/http'
import type { WechatEmulator } from '../support/wechat-emulator'
import { deliveryById, richBody, wechatWorld } from './support'
import { callsTo, publishedOnWechat, runUntilSettled, stateOf, wechatOf } from './wechat-support'

/** Mass send's audience (the whole account) and the mass-send planner (one a day), against the WeChat emulator. */
const world = wechatWorld()
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let emu: WechatEmulator
let editor: string
let leader: string

const SENDALL = '/cgi-bin/message/mass/sendall'

beforeAll(() => void ({ payload, street, emu, editor, leader } = world))

const published = (title: string) => publishedOnWechat(payload, title)
const massSend = (id: string | number, body: unknown = { confirm: true }) => rest('POST', `deliveries/${id}/mass-send`, { token: editor, body })
const getPlan = (token: string | null = editor) => rest('GET', 'globals/wechat-mass-plan/plan', { token })
const savePlan = (queue: unknown[], token: string | null = editor) => rest('POST', 'globals/wechat-mass-plan/plan', { token, body: { queue } })

/** The next day on both sides: the emulator's clock moves a day, and our ledger forgets today's claim. */
async function nextDay() {
  emu.advance(86_400)
  await payload.db.deleteMany({ collection: 'claims', where: { scope: { like: 'wechat-mass:' } }, req: { transactionID: undefined } as never })
}

describe('plan days', () => {
  it('one a day from today, or from tomorrow when today is used; across a month end', () => {
    expect(planDays(3, '2026-12-30', false)).toEqual(['2026-12-30', '2026-12-31', '2027-01-01'])
    expect(planDays(3, '2026-12-30', true)).toEqual(['2026-12-31', '2027-01-01', '2027-01-02'])
    expect(planDays(0, '2026-12-30', false)).toEqual([])
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29')
  })
})

describe('mass send audience', () => {
  it('content for some grids asks to confirm the whole account; the record says whom it went to', async () => {
    const event = (await payload.create({
      collection: 'events',
      data: {
        title: '甲社区义诊活动',
        summary: '免费测血压',
        startsAt: '2026-12-22T01:00:00.000Z',
        location: '甲社区服务站',
        wholeStreet: false,
        grids: [street.gridA1.id, street.gridA2.id],
        body: richBody('欢迎甲社区居民参加。'),
        _status: 'published',
      } as never,
      overrideAccess: true,
    })) as { id: string | number }
    const d = await runUntilSettled(payload, (await wechatOf(payload, 'events', event.id)).id)
    expect(d.status).toBe('done')
    expect(d.audience.startsWith('grids:')).toBe(true)

    const calls = callsTo(emu, SENDALL).length
    const refused = await massSend(d.id)
    expect(refused.status).toBe(400)
    expect(refused.body).toMatchObject({ needsWholeAccount: true })
    expect(refused.body.errors[0]).toMatchObject({ field: 'confirmWholeAccount' })
    expect(refused.body.message).toContain('2 个网格')
    expect(refused.body.message).toContain('全部关注者')
    expect((await massSend(d.id, { confirm: true, confirmWholeAccount: false })).status).toBe(400)
    expect(callsTo(emu, SENDALL)).toHaveLength(calls)
    // Refused before the day was claimed: the quota stays free.
    expect((await rest('GET', 'deliveries/wechat-quota', { token: editor })).body.massSentToday).toBe(false)

    const ok = await massSend(d.id, { confirm: true, confirmWholeAccount: true })
    expect(ok.status).toBe(200)
    expect(callsTo(emu, SENDALL)).toHaveLength(calls + 1)
    expect(stateOf(await deliveryById(payload, d.id)).massSend).toMatchObject({ audience: 'all', contentGrids: 2 })
  })

  it('street-wide content needs no second confirmation and records the whole account', async () => {
    await nextDay()
    const d = await published('全街道适用的政策')
    const ok = await massSend(d.id)
    expect(ok.status).toBe(200)
    const ms = stateOf(await deliveryById(payload, d.id)).massSend
    expect(ms).toMatchObject({ audience: 'all' })
    expect(ms?.contentGrids).toBeUndefined()
  })
})

describe('mass-send planner', () => {
  it('orders the queue one a day, moves items as the editor says, and keeps to one mass send a day', async () => {
    await nextDay()
    // Tidy: earlier tests' deliveries are mass sent already, so they are no candidates.
    const a = await published('计划甲')
    const b = await published('计划乙')
    const c = await published('计划丙')
    const today = streetDay()

    expect((await getPlan(leader)).status).toBe(403)
    expect((await savePlan([a.id], leader)).status).toBe(403)
    const empty = await getPlan()
    expect(empty.status).toBe(200)
    expect(empty.body).toMatchObject({ today, sentToday: null, items: [] })
    expect(empty.body.candidates.map((x: { delivery: string }) => x.delivery).sort()).toEqual([a.id, b.id, c.id].map(String).sort())

    const saved = await savePlan([c.id, a.id, b.id])
    expect(saved.status).toBe(200)
    const days = (r: typeof saved) => r.body.items.map((x: { title: string; day: string }) => [x.title, x.day])
    expect(days(saved)).toEqual([
      ['计划丙', today],
      ['计划甲', addDays(today, 1)],
      ['计划乙', addDays(today, 2)],
    ])
    expect(saved.body.candidates).toHaveLength(0)

    // The editor moves 甲 up: it takes today.
    const moved = await savePlan([a.id, c.id, b.id])
    expect(days(moved)).toEqual([
      ['计划甲', today],
      ['计划丙', addDays(today, 1)],
      ['计划乙', addDays(today, 2)],
    ])
    expect(days(await getPlan())).toEqual(days(moved))
    // The page: today's slot, the queue with its days, moved by the buttons (each save sends the whole queue).
    const { renderToStaticMarkup } = await import('react-dom/server')
    const { PlanPage } = await import('../../src/components/WechatPlanClient')
    const page = renderToStaticMarkup(PlanPage({ plan: moved.body, busy: false, admin: '/admin', lang: 'zh', message: null, save: () => {} }))
    expect(page).toContain(`今天（${today}）的群发`)
    expect(page).toContain('计划群发：《计划甲》。')
    expect(page.indexOf('《计划甲》')).toBeLessThan(page.indexOf('《计划丙》'))
    expect(page).toContain(`data-day="${addDays(today, 2)}"`)
    expect(page).toContain(`/admin/collections/policies/${a.contentId}#deliveries-panel`)

    // Refused: twice the same, not a waiting WeChat delivery, not a list.
    expect((await savePlan([a.id, a.id])).status).toBe(400)
    const email = (await payload.find({ collection: 'deliveries', where: { channel: { not_equals: 'wechat' } }, limit: 1, overrideAccess: true })).docs[0]
    if (email) expect((await savePlan([email.id])).status).toBe(400)
    expect((await savePlan([999_999])).status).toBe(400)
    expect((await rest('POST', 'globals/wechat-mass-plan/plan', { token: editor, body: { queue: 'x' } })).status).toBe(400)
    // The global itself takes no raw write: only the endpoint, which checks each entry.
    expect((await rest('POST', 'globals/wechat-mass-plan', { token: editor, body: { queue: [{ delivery: 'anything' }] } })).status).toBe(403)
    expect(days(await getPlan())).toEqual(days(moved))

    // Today's one mass send goes to 丙 (the editor's choice on the day): today is used, the queue starts tomorrow.
    expect((await massSend(c.id)).status).toBe(200)
    const after = await getPlan()
    expect(after.body.sentToday).toMatchObject({ delivery: String(c.id), title: '计划丙' })
    expect(days(after)).toEqual([
      ['计划甲', addDays(today, 1)],
      ['计划乙', addDays(today, 2)],
    ])
    // The daily limit holds whatever the plan says: a second mass send today is refused before any call.
    const calls = callsTo(emu, SENDALL).length
    const second = await massSend(a.id)
    expect(second.status).toBe(409)
    expect(second.body.massSentToday).toBe(true)
    expect(callsTo(emu, SENDALL)).toHaveLength(calls)
    expect(days(await getPlan())).toEqual(days(after))
  })
})
