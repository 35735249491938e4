import type { Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import type { DeliveryDoc } from '../../src/collections/Deliveries'
import { clientMsgIdOf } from '../../src/delivery/wechat'
import { streetDay } from '../../src/templates/format'
import { pollWechatPublishStatus } from '../../src/jobs/wechat'
import type { smallStreet } from '../support/fixtures'
import { rest } from '../support/http'
import type { WechatEmulator } from '../support/wechat-emulator'
import { deliveryById, richBody, wechatWorld } from './support'
import { callsTo, publishedOnWechat, runUntilSettled, stateOf, wechatOf } from './wechat-support'

/** Mass send (群发): an editor's explicit action on a published WeChat delivery, once a day for the street's account. */
const world = wechatWorld()
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let emu: WechatEmulator
let editor: string
let leader: string

const SENDALL = '/cgi-bin/message/mass/sendall'

beforeAll(() => void ({ payload, street, emu, editor, leader } = world))

const published = (title: string) => publishedOnWechat(payload, title)

const massSend = (id: string | number, body: unknown = { confirm: true }, token: string | null = editor) => rest('POST', `deliveries/${id}/mass-send`, { token, body })
const quota = (token: string | null = editor) => rest('GET', 'deliveries/wechat-quota', { token })
/** The audit entries of mass sends of one delivery. */
const massAudits = async (id: string | number) =>
  (await payload.find({ collection: 'audit-log', where: { and: [{ action: { equals: 'mass-send' } }, { targetId: { equals: String(id) } }] }, overrideAccess: true, depth: 0 }))
    .docs as unknown as { actor: string | number; targetTitle: string; detail: string }[]

/** The next day on both sides: the emulator's clock moves a day, and our ledger forgets today's claim. */
async function nextDay() {
  emu.advance(86_400)
  await payload.db.deleteMany({ collection: 'claims', where: { scope: { like: 'wechat-mass:' } }, req: { transactionID: undefined } as never })
}

describe('WeChat mass send', () => {
  it('is for editors only, needs an explicit confirm, and only for a published delivery', async () => {
    expect((await quota(leader)).status).toBe(403)
    expect((await quota(null)).status).toBe(403)
    const q = await quota()
    expect(q).toMatchObject({ status: 200, body: { day: streetDay(), massSentToday: false } })

    const d = await published('群发权限检查')
    const calls = emu.calls.length
    const noConfirm = await massSend(d.id, {})
    expect(noConfirm.status).toBe(400)
    expect(noConfirm.body.errors[0]).toMatchObject({ field: 'confirm' })
    expect(noConfirm.body.errors[0].message).toContain('每天只能群发 1 次')
    expect((await massSend(d.id, { confirm: 'yes' })).status).toBe(400)
    const byLeader = await massSend(d.id, { confirm: true }, leader)
    expect(byLeader.status).toBe(403)
    expect(byLeader.body.message).toBe('只有编辑可以群发公众号文章。')
    // Not published on WeChat yet (still queued): refused before any call.
    const pending = await payload.create({
      collection: 'policies',
      data: { title: '尚未发布到公众号', issuingBody: '街道', summary: '要点', body: richBody('正文'), _status: 'published' } as never,
      overrideAccess: true,
    })
    const notYet = await massSend((await wechatOf(payload, 'policies', pending.id)).id)
    expect(notYet.status).toBe(409)
    expect(notYet.body.message).toContain('发布完成后才能群发')
    expect((await massSend(999_999)).status).toBe(404)
    expect(emu.calls.length).toBe(calls)
  })

  it('a double click sends exactly once; the send reuses the uploaded media with a fresh draft', async () => {
    await nextDay()
    const d = await published('双击群发')
    const before = { uploads: callsTo(emu, '/cgi-bin/media/uploadimg').length, thumbs: emu.materials.size, drafts: callsTo(emu, '/cgi-bin/draft/add').length }
    const [a, b] = await Promise.all([massSend(d.id), massSend(d.id)])
    expect([a.status, b.status].sort()).toEqual([200, 409])
    const ok = a.status === 200 ? a : b
    const refused = a.status === 200 ? b : a
    expect(refused.body.message).toContain('正在提交')
    expect(ok.body.ok).toBe(true)
    expect(ok.body.message).toContain('群发保护')
    expect(callsTo(emu, SENDALL)).toHaveLength(1)
    expect(emu.massSends).toHaveLength(1)
    expect(emu.massSends[0].clientmsgid).toBe(clientMsgIdOf(d))
    // A fresh draft (the published one left the draft box), no new upload.
    expect(callsTo(emu, '/cgi-bin/draft/add').length).toBe(before.drafts + 1)
    expect(callsTo(emu, '/cgi-bin/media/uploadimg').length).toBe(before.uploads)
    expect(emu.materials.size).toBe(before.thumbs)
    const ms = ok.body.massSend
    expect(ms).toMatchObject({ status: 'sending', clientMsgId: clientMsgIdOf(d), msgId: String(emu.massSends[0].msgId), by: street.editor.email })
    expect(Date.parse(ms.confirmBy) - Date.parse(ms.requestedAt)).toBe(30 * 60_000)
    // The poll job reads message/mass/get when the send is due for a look: sent.
    for (let i = 0; i < 20 && stateOf(await deliveryById(payload, d.id)).massSend?.status === 'sending'; i++) {
      await new Promise((r) => setTimeout(r, 60))
      await pollWechatPublishStatus(payload)
    }
    expect(stateOf(await deliveryById(payload, d.id)).massSend).toMatchObject({ status: 'sent', msgId: ms.msgId })
    expect(callsTo(emu, '/cgi-bin/message/mass/get').length).toBeGreaterThanOrEqual(1)
    // One send, one audit entry: by whom, which delivery, its msg_id (the refused double click adds none).
    const audits = await massAudits(d.id)
    expect(audits).toHaveLength(1)
    expect(audits[0]).toMatchObject({ targetTitle: '双击群发', detail: `已提交群发（msg_id ${ms.msgId}）` })
    expect(String(audits[0].actor)).toBe(String(street.editor.id))
  })

  it('a second mass send the same day is refused with the explanation before any call; the same delivery again answers with its send', async () => {
    await nextDay()
    const first = await published('今日第一条')
    const second = await published('今日第二条')
    expect((await massSend(first.id)).status).toBe(200)
    const q = await quota()
    expect(q.body).toMatchObject({ day: streetDay(), massSentToday: true, lastMassSend: { deliveryId: String(first.id), title: '今日第一条' } })
    const calls = emu.calls.length
    const refused = await massSend(second.id)
    expect(refused.status).toBe(409)
    expect(refused.body.message).toContain('每天只能群发 1 次')
    expect(refused.body.message).toContain('今日第一条')
    const again = await massSend(first.id)
    expect(again.status).toBe(200)
    expect(again.body.message).toContain('不会重复发送')
    expect(emu.calls.length).toBe(calls)
  })

  it('two editors sending two deliveries at the same moment: exactly one mass send, the other refused before any call', async () => {
    await nextDay()
    const a = await published('同时群发甲')
    const b = await published('同时群发乙')
    const sends = callsTo(emu, SENDALL).length
    const [ra, rb] = await Promise.all([massSend(a.id), massSend(b.id)])
    expect([ra.status, rb.status].sort()).toEqual([200, 409])
    const refused = ra.status === 409 ? ra : rb
    expect(refused.body.message).toContain('每天只能群发 1 次')
    expect(callsTo(emu, SENDALL).length).toBe(sends + 1)
    expect(emu.massSends.filter((m) => m.day === emu.snapshot().day)).toHaveLength(1)
  })

  it('clientmsgid makes a retried send idempotent: a send whose answer was lost answers with the first msg_id', async () => {
    await nextDay()
    const d = await published('答复丢失的群发')
    const r = await massSend(d.id)
    expect(r.status).toBe(200)
    const msgId = r.body.massSend.msgId
    // The process died after WeChat accepted the send and before it recorded the msg_id.
    const st = stateOf(await deliveryById(payload, d.id))
    const lost = { ...st.massSend!, status: 'sending', msgId: undefined, requestedAt: new Date(Date.now() - 5 * 60_000).toISOString() }
    await payload.db.updateOne({ collection: 'deliveries', id: d.id, data: { wechat: { ...st, massSend: lost } }, req: { transactionID: undefined } as never })
    const retried = await massSend(d.id)
    expect(retried.status).toBe(200)
    expect(retried.body.massSend.msgId).toBe(msgId)
    const sendCalls = callsTo(emu, SENDALL)
    expect(sendCalls.at(-1)!.errcode).toBe(45065)
    expect(emu.massSends.filter((m) => m.clientmsgid === clientMsgIdOf(d))).toHaveLength(1)
  })

  it('45028 from WeChat (quota used elsewhere, e.g. the WeChat console) is recorded as quota and not retried', async () => {
    await nextDay()
    const d = await published('后台已群发')
    const other = await published('在公众号后台群发的那条')
    // Sent outside Street News today: the platform's count is used, our ledger does not know.
    expect((await massSend(other.id)).status).toBe(200)
    await payload.db.deleteMany({ collection: 'claims', where: { scope: { like: 'wechat-mass:' } }, req: { transactionID: undefined } as never })
    const r = await massSend(d.id)
    expect(r.status).toBe(409)
    expect(r.body).toMatchObject({ ok: false, kind: 'quota', code: 45028 })
    expect(r.body.message).toContain('订阅号每天只能成功群发 1 次')
    expect(stateOf(await deliveryById(payload, d.id)).massSend).toMatchObject({ status: 'failed', code: '45028' })
    expect((await quota()).body.massSentToday).toBe(true)
    const calls = emu.calls.length
    expect((await massSend(d.id)).status).toBe(409)
    expect(emu.calls.length).toBe(calls)
    // The attempt WeChat refused is recorded once; the second click, refused before any call, is not.
    const audits = await massAudits(d.id)
    expect(audits).toHaveLength(1)
    expect(audits[0].detail).toMatch(/^群发未成功：.*45028/)
  })

  it('with mass-send protection on, the send stays "sending" until an administrator confirms in WeChat', async () => {
    await nextDay()
    emu.setMassProtection(true)
    try {
      const d = await published('群发保护')
      const r = await massSend(d.id)
      expect(r.status).toBe(200)
      expect(r.body.message).toContain('前在微信中确认')
      await payload.db.updateOne({ collection: 'deliveries', id: d.id, data: { nextAttemptAt: new Date(Date.now() - 1).toISOString() }, req: { transactionID: undefined } as never })
      await pollWechatPublishStatus(payload)
      expect(stateOf(await deliveryById(payload, d.id)).massSend?.status).toBe('sending')
      emu.confirmMassSend(r.body.massSend.msgId)
      await payload.db.updateOne({ collection: 'deliveries', id: d.id, data: { nextAttemptAt: new Date(Date.now() - 1).toISOString() }, req: { transactionID: undefined } as never })
      await pollWechatPublishStatus(payload)
      expect(stateOf(await deliveryById(payload, d.id)).massSend?.status).toBe('sent')
    } finally {
      emu.setMassProtection(false)
    }
  })

  it('with mass-send protection on and no confirmation within 30 minutes, the send is recorded as lapsed', async () => {
    await nextDay()
    emu.setMassProtection(true)
    try {
      const d = await published('群发保护超时')
      const r = await massSend(d.id)
      expect(r.status).toBe(200)
      // Half an hour and more passes on both sides.
      emu.advance(31 * 60)
      const st = stateOf(await deliveryById(payload, d.id))
      const past = new Date(Date.now() - 60_000).toISOString()
      await payload.db.updateOne({
        collection: 'deliveries',
        id: d.id,
        data: { nextAttemptAt: past, wechat: { ...st, massSend: { ...st.massSend!, confirmBy: past } } },
        req: { transactionID: undefined } as never,
      })
      await pollWechatPublishStatus(payload)
      const ms = stateOf(await deliveryById(payload, d.id)).massSend
      expect(ms).toMatchObject({ status: 'failed', code: 'SEND_FAIL' })
      expect(ms?.error).toContain('未在')
      expect(ms?.error).toContain('确认')
    } finally {
      emu.setMassProtection(false)
    }
  })
})
