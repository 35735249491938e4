import type { Payload, PayloadRequest } from 'payload'

import type { ContentSlug } from '../model/content'
import { type DeliveryDoc, FRESH_DELIVERY } from '../model/deliveries'
import { channelConfigured } from '../delivery/config'
import { t } from '../i18n/messages'
import { mayHavePublished, queueWechatRetraction } from '../jobs/wechatRetract'
import { isUniqueViolation } from '../store/claims'
import { contentDeliveries, writeReq } from './notices'

/**
 * WeChat cannot replace a published article: a correction reaches the
 * account only by deleting the article and publishing it again. This queues
 * the deletion of the article the content's last WeChat delivery published
 * (the retraction job, jobs/wechatRetract.ts) and creates a new WeChat
 * delivery of the content as it is now, keyed by the correction number (so
 * asking twice for one correction creates it once). Sends nothing itself.
 * Returns the new delivery, or null when there was no article or it exists.
 */
export async function republishOnWechat(payload: Payload, collection: ContentSlug, doc: { id: string | number; title?: string | null; corrections?: number | null; urgent?: boolean | null }, req: PayloadRequest): Promise<DeliveryDoc | null | 'none'> {
  const wechat = (await contentDeliveries(payload, collection, doc.id, req)).filter((d) => d.channel === 'wechat')
  const last = wechat.filter(mayHavePublished).at(-1)
  if (!last) return 'none'
  const key = `${collection}:${doc.id}:wechat:${last.audience}:republish:${doc.corrections ?? 0}`
  if ((await payload.db.count({ collection: 'deliveries', where: { key: { equals: key } }, req: writeReq(req) })).totalDocs) return null
  const configured = channelConfigured('wechat')
  let row: DeliveryDoc
  try {
    row = (await payload.db.create({
      collection: 'deliveries',
      data: {
        key,
        title: doc.title ?? last.title ?? '',
        contentType: collection,
        contentId: String(doc.id),
        channel: 'wechat',
        audience: last.audience,
        kind: 'content',
        status: configured ? 'queued' : 'skipped',
        reason: configured ? null : t('delivery.reason.notConfigured.wechat'),
        urgent: !!doc.urgent,
        publishedAt: new Date().toISOString(),
        ...FRESH_DELIVERY,
        // The editor asked for it in the publish dialog: no further go-ahead to wait for.
        goAhead: true,
      },
      req: writeReq(req),
    })) as unknown as DeliveryDoc
  } catch (err) {
    if (isUniqueViolation(err)) return null
    throw err
  }
  await queueWechatRetraction(payload, [last], writeReq(req))
  payload.logger.info({ component: 'deliveries', delivery: row.id, replaces: last.id, content: `${collection}:${doc.id}` }, 'WeChat article to be deleted and published again')
  return row
}
