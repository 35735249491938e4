import type { CollectionAfterChangeHook, CollectionAfterDeleteHook, Payload, PayloadRequest, Where } from 'payload'

import type { ContentSlug } from '../model/content'
import { audienceKey, type ChannelChoice, chosenChannels, type DeliveryDoc, FRESH_DELIVERY, UNFINISHED } from '../model/deliveries'
import { channelConfigured } from '../delivery/config'
import { t } from '../i18n/messages'
import { nudge } from '../jobs/nudge'
import { queueWechatRetraction } from '../jobs/wechatRetract'
import { isUniqueViolation } from '../store/claims'
import { uniqueIndexReady } from '../store/receipts'
import { publicationChange } from './contentLifecycle'
import { askedOf, createNotices } from './notices'
import { republishOnWechat } from './wechatRepublish'
import { settingsFor } from './settings'
import { noTransaction } from '../store/noTransaction'

type ContentDoc = {
  id: string | number
  title?: string
  _status?: 'draft' | 'published'
  urgent?: boolean | null
  publishedAt?: string | null
  wholeStreet?: boolean | null
  grids?: unknown[] | null
  channels?: ChannelChoice | null
  corrections?: number | null
  withdrawals?: number | null
}

/** Who a content goes to: the whole street, or its grids (sorted ids, so the same audience is the same key). */
export const audienceOf = (collection: ContentSlug, doc: ContentDoc): string => audienceKey(collection, doc)

/** The site's default channels per content type (src/globals/siteSettings/audience.ts). */
export type ChannelDefaults = Partial<Record<ContentSlug, ChannelChoice | null>> | null | undefined

/**
 * The write context of the delivery rows. On SQLite they go into the
 * publish's own transaction (one writer: a write beside an open transaction
 * would wait for it). On MongoDB they stand alone: a duplicate key inside a
 * transaction would abort the publish itself, and the pipeline checks that
 * the content is still published before it sends anything.
 */
const writeReq = (req: PayloadRequest) => (req.payload.db.name === 'mongoose' ? noTransaction() : req)

/**
 * Demo content (src/seed/demo.ts) is saved with this key set in the request
 * context: its deliveries are recorded as skipped, so loading the demo street
 * into a database whose channels are configured sends nothing, now or on a
 * later republication, and leaves nothing waiting to be resumed.
 */
export const DEMO_CONTENT = 'demoContent'

/** Create the deliveries of a content that has just been published; returns those created. Sends nothing. */
export async function createDeliveries(
  payload: Payload,
  collection: ContentSlug,
  doc: ContentDoc,
  req: PayloadRequest,
  { skipReason, defaults }: { skipReason?: string; defaults?: ChannelDefaults } = {},
): Promise<DeliveryDoc[]> {
  const created: DeliveryDoc[] = []
  const audience = audienceOf(collection, doc)
  const log = payload.logger.child({ component: 'deliveries' })
  // The key is the once-only guarantee: on MongoDB it holds only once its unique index is built.
  await uniqueIndexReady(payload, 'deliveries')
  // Only the channels ticked for this content (the publish dialog), else the site's default for its type.
  for (const channel of chosenChannels(collection, doc.channels, defaults?.[collection])) {
    // Once per (content, channel): a re-publish after an edit or a withdrawal creates nothing, whatever its audience.
    // A fallback on the channel (src/delivery/fallback.ts) is not the content's own delivery on it.
    const notFallback: Where = { or: [{ kind: { exists: false } }, { kind: { not_equals: 'fallback' } }] }
    const existing = await payload.db.count({
      collection: 'deliveries',
      where: { and: [{ contentType: { equals: collection } }, { contentId: { equals: String(doc.id) } }, { channel: { equals: channel } }, notFallback] },
      req: writeReq(req),
    })
    if (existing.totalDocs) continue
    const configured = channelConfigured(channel)
    // SMS is a paid service the street may never sign up for: no SMS delivery (not even a skipped one) until it is configured.
    if (channel === 'sms' && !configured) continue
    const status = skipReason || !configured ? 'skipped' : 'queued'
    const reason = skipReason ?? (!configured ? t(`delivery.reason.notConfigured.${channel}`) : null)
    try {
      const row = (await payload.db.create({
        collection: 'deliveries',
        data: {
          key: `${collection}:${doc.id}:${channel}:${audience}`,
          title: doc.title ?? '',
          contentType: collection,
          contentId: String(doc.id),
          channel,
          audience,
          status,
          reason,
          urgent: !!doc.urgent,
          publishedAt: doc.publishedAt ?? new Date().toISOString(),
          ...FRESH_DELIVERY,
        },
        req: writeReq(req),
      })) as unknown as DeliveryDoc
      created.push(row)
      log.info({ delivery: row.id, content: `${collection}:${doc.id}`, channel, audience, status }, 'delivery created')
    } catch (err) {
      // Another process published the same content at the same moment: its row stands.
      if (!isUniqueViolation(err)) throw err
    }
  }
  return created
}

/**
 * Cancel a content's unfinished deliveries (withdrawn or deleted); the pipeline stops before its next batch.
 * A WeChat article that was (or may be being) published is deleted by a job queued here.
 */
export async function cancelDeliveries(payload: Payload, collection: ContentSlug, id: string | number, req: PayloadRequest): Promise<number> {
  // A content has one delivery per channel: read them all once.
  const where: Where = { and: [{ contentType: { equals: collection } }, { contentId: { equals: String(id) } }] }
  const { docs } = await payload.db.find({ collection: 'deliveries', where, limit: 0, pagination: false, req: writeReq(req) })
  const all = docs as unknown as DeliveryDoc[]
  const unfinished = all.filter((d) => UNFINISHED.includes(d.status))
  for (const d of unfinished) {
    await payload.db.updateOne({
      collection: 'deliveries',
      id: d.id,
      data: { status: 'cancelled', reason: t('delivery.reason.retracted'), finishedAt: new Date().toISOString() },
      req: writeReq(req),
    })
  }
  // Judged as they stood before this cancellation: one that was running may be submitting its publish right now.
  await queueWechatRetraction(payload, all.filter((d) => d.channel === 'wechat'), writeReq(req))
  return unfinished.length
}

/**
 * After every save of a content: the transition to published creates its
 * deliveries (never a later re-save); a withdrawal (an unpublish, whatever
 * drafts were saved before it; not a draft saved over the published
 * document) cancels them before their next batch and queues the deletion of
 * the WeChat article.
 */
export const deliveriesOnPublish: CollectionAfterChangeHook = async (args) => {
  const { doc, req, collection, context } = args
  const now = doc as ContentDoc
  const slug = collection.slug as ContentSlug
  const change = await publicationChange(args)
  const asked = askedOf(context, slug, now.id)
  if (change === 'published') {
    const skipReason = context[DEMO_CONTENT] ? t('delivery.reason.demo') : undefined
    const defaults = ((await settingsFor(req)) as { publishChannels?: ChannelDefaults }).publishChannels
    const created = await createDeliveries(req.payload, slug, now, req, { skipReason, defaults })
    if (created.some((d) => d.status === 'queued')) nudge()
  } else if (change === 'withdrawn') {
    await cancelDeliveries(req.payload, slug, now.id, req)
    // The withdrawal's number: a notice asked for now or later (POST …/notice) is keyed by it.
    const withdrawals = (now.withdrawals ?? 0) + 1
    await req.payload.db.updateOne({ collection: slug, id: now.id, data: { withdrawals }, req })
    now.withdrawals = withdrawals
    if (asked.notice && (await createNotices(req.payload, slug, now, 'withdrawal', withdrawals, req)).some((d) => d.status === 'queued')) nudge()
  } else if (asked.correction && now._status === 'published') {
    // A correction never sends the content again; its notice goes to those the content reached.
    const notices = asked.notice ? await createNotices(req.payload, slug, now, 'correction', now.corrections ?? 1, req) : []
    // WeChat cannot replace the article: delete it and publish the corrected content again, when asked.
    const wechat = asked.wechatRepublish ? await republishOnWechat(req.payload, slug, now, req) : null
    if (notices.some((d) => d.status === 'queued') || (wechat && wechat !== 'none' && wechat.status === 'queued')) nudge()
  }
  return doc
}

export const deliveriesOnDelete: CollectionAfterDeleteHook = async ({ id, req, collection }) => {
  await cancelDeliveries(req.payload, collection.slug as ContentSlug, id, req)
}
