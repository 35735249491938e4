import { randomBytes } from 'node:crypto'

import type { Payload } from 'payload'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { WechatClient } from '../../src/channels/wechat/client'
import type { WechatArticleStatDoc } from '../../src/collections/Readership'
import { importWechatDay } from '../../src/readership/wechatStats'
import { testPayload } from '../support/payload'
import { startWechatEmulator, type WechatEmulator } from '../support/wechat-emulator'

let payload: Payload
let emu: WechatEmulator
let client: WechatClient
const noTxn = { transactionID: undefined } as never

beforeAll(async () => {
  payload = await testPayload()
  emu = await startWechatEmulator()
  client = new WechatClient({ appId: emu.appId, appSecret: emu.appSecret, baseUrl: emu.url })
})
afterAll(async () => emu?.close())

const stats = async () => {
  const { docs } = await payload.db.find({ collection: 'wechat-article-stats', limit: 0, pagination: false, sort: 'key' })
  return (docs as unknown as WechatArticleStatDoc[]).map(({ id: _id, ...rest }) => {
    const r = rest as Record<string, unknown>
    delete r.createdAt
    delete r.updatedAt
    return r
  })
}

describe('WeChat statistics import', () => {
  it('matches datacube rows to the delivery by msg_data_id (or by title), upserts per article and day, idempotent', async () => {
    const thumb = (await client.uploadThumb(await sharp(randomBytes(300 * 200 * 3), { raw: { width: 300, height: 200, channels: 3 } }).png().toBuffer())).mediaId
    const art = (title: string) => ({ title, author: '徐碧街道', content: '<p>正文</p>', contentSourceUrl: 'https://street.example/issues/3', thumbMediaId: thumb })
    const sent = await client.massSendToAll(await client.addDraft([art('聚焦徐碧 第三期'), art('第三期 第二篇')]), { clientMsgId: 'issues-3' })
    const sendDay = emu.snapshot().day
    // A delivery of ours that recorded the send, and one from before msg ids were kept (matched by title).
    await payload.db.create({
      collection: 'deliveries',
      data: { key: 'issues:3:wechat:all', contentType: 'issues', contentId: '3', title: '聚焦徐碧 第三期', channel: 'wechat', audience: 'all', status: 'done', wechat: { stage: 'published', massSend: { status: 'sent', clientMsgId: 'issues-3', msgId: sent.msgId, msgDataId: sent.msgDataId, requestedAt: new Date().toISOString() } } },
      req: noTxn,
    })
    emu.advance(24 * 3600)
    const other = await client.massSendToAll(await client.addDraft([art('养老补贴解读')]), { clientMsgId: 'policies-9' })
    expect(other.msgId).toBeTruthy()
    await payload.db.create({
      collection: 'deliveries',
      data: { key: 'policies:9:wechat:all', contentType: 'policies', contentId: '9', title: '养老补贴解读', channel: 'wechat', audience: 'all', status: 'done', wechat: { stage: 'published' } },
      req: noTxn,
    })
    const nextDay = emu.snapshot().day
    emu.advance(24 * 3600)

    const r1 = await importWechatDay(payload, client, sendDay)
    expect(r1).toMatchObject({ rows: 2, written: 2, unmatched: [] })
    const r2 = await importWechatDay(payload, client, nextDay)
    expect(r2).toMatchObject({ rows: 3, written: 3, unmatched: [] })
    const rows = await stats()
    const summary = await client.articleSummary(nextDay)
    const first = summary.find((s) => s.msgid === `${sent.msgDataId}_1`)!
    expect(rows.find((r) => r.key === `${sent.msgDataId}_1:${nextDay}`)).toEqual({
      key: `${sent.msgDataId}_1:${nextDay}`,
      contentType: 'issues',
      contentId: '3',
      msgid: `${sent.msgDataId}_1`,
      refDate: rows.find((r) => r.key === `${sent.msgDataId}_1:${nextDay}`)!.refDate,
      statDate: nextDay,
      title: '聚焦徐碧 第三期',
      readUsers: first.readUsers,
      reads: first.reads,
      shareUsers: first.shareUsers,
      shares: first.shares,
    })
    expect(first.readUsers).toBeGreaterThan(0)
    expect(rows.filter((r) => r.contentType === 'issues')).toHaveLength(4)
    expect(rows.filter((r) => r.contentType === 'policies').map((r) => [r.contentId, r.statDate])).toEqual([['9', nextDay]])
    // Running again changes nothing.
    await importWechatDay(payload, client, sendDay)
    await importWechatDay(payload, client, nextDay)
    expect(await stats()).toEqual(rows)
  })
})
