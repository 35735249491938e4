import type { Payload } from 'payload'

import type { ArticleDayStats, WechatClient } from '../channels/wechat/client'
import type { DeliveryDoc } from '../model/deliveries'
import type { WechatArticleStatDoc } from '../collections/Readership'
import { insertOrOverwrite } from '../store/upsert'
import { streetDay } from '../templates/format'
import { noTransaction } from '../store/noTransaction'

/**
 * WeChat's own figures per article (datacube/getarticlesummary: reads and
 * shares of mass-sent articles on one day, aggregate only, no grid) into
 * wechat-article-stats, one row per article and day, written over by key so an
 * import can run again.
 *
 * A datacube msgid is "<msg_data_id>_<article index>": it is matched to the
 * WeChat delivery whose mass send returned that msg_data_id (or msg_id). A
 * row that matches no delivery (a send made by hand in WeChat's console) is
 * matched by its title to a content's WeChat delivery, else skipped.
 */

type WechatDelivery = DeliveryDoc & { wechat?: { massSend?: { msgId?: string; msgDataId?: string; requestedAt?: string }; submittedAt?: string } | null }

export type ImportResult = { day: string; rows: number; written: number; unmatched: string[] }

export async function importWechatDay(payload: Payload, client: Pick<WechatClient, 'articleSummary'>, day: string): Promise<ImportResult> {
  const { docs } = await payload.db.find({ collection: 'deliveries', where: { channel: { equals: 'wechat' } }, limit: 0, pagination: false, req: noTransaction() })
  const deliveries = docs as unknown as WechatDelivery[]
  // Nothing of ours ever went to WeChat (a new street, the demo street): no figure could be matched, so WeChat is not asked.
  if (!deliveries.some((d) => d.status !== 'skipped')) return { day, rows: 0, written: 0, unmatched: [] }
  const list = await client.articleSummary(day)
  const result: ImportResult = { day, rows: list.length, written: 0, unmatched: [] }
  if (!list.length) return result
  const byMsg = new Map<string, WechatDelivery>()
  const byTitle = new Map<string, WechatDelivery>()
  for (const d of deliveries) {
    const ms = d.wechat?.massSend
    if (ms?.msgDataId) byMsg.set(String(ms.msgDataId), d)
    if (ms?.msgId) byMsg.set(String(ms.msgId), d)
    if (d.title) byTitle.set(d.title, d)
  }
  for (const s of list) {
    const d = byMsg.get(s.msgid.split('_')[0]) ?? byTitle.get(s.title) ?? titleMatch(deliveries, s)
    if (!d) {
      result.unmatched.push(s.msgid)
      continue
    }
    const ms = d.wechat?.massSend
    const refDate = ms?.requestedAt ? streetDay(ms.requestedAt) : s.refDate
    const row: Omit<WechatArticleStatDoc, 'id'> = {
      key: `${s.msgid}:${day}`,
      contentType: d.contentType,
      contentId: String(d.contentId),
      msgid: s.msgid,
      refDate,
      statDate: day,
      title: s.title,
      readUsers: s.readUsers,
      reads: s.reads,
      shareUsers: s.shareUsers,
      shares: s.shares,
    }
    await insertOrOverwrite(payload, 'wechat-article-stats', row)
    result.written++
  }
  if (result.unmatched.length) payload.logger.warn({ component: 'readership', day, unmatched: result.unmatched }, 'WeChat figures for articles no delivery sent')
  return result
}

/** An issue's articles have their own titles: match an article title to the delivery by the title prefix failing that. */
function titleMatch(deliveries: WechatDelivery[], s: ArticleDayStats): WechatDelivery | undefined {
  return deliveries.find((d) => d.title && s.title && (s.title.startsWith(d.title) || d.title.startsWith(s.title)))
}
