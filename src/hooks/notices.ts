import type { CollectionBeforeChangeHook, Payload, PayloadRequest, Where } from 'payload'

import type { ContentSlug } from '../model/content'
import { type DeliveryDoc, FRESH_DELIVERY, isPrimary, noticeSourcesIn, type NoticeKind } from '../model/deliveries'
import { channelConfigured } from '../delivery/config'
import { t } from '../i18n/messages'
import { smsNoticesConfigured } from '../server/smsEnv'
import { isUniqueViolation } from '../store/claims'
import { noTransaction } from '../store/noTransaction'
import { uniqueIndexReady } from '../store/receipts'
import { auditNotices } from './noticesAudit'

/**
 * Notices of a correction or a withdrawal. A correction published over
 * published content, or a withdrawal, never sends the content again; the
 * editor may ask for a short notice with it (the content's `notice` box, set
 * by the publish dialog or the withdraw flow, or POST /api/<collection>/:id/notice
 * after the fact). A notice is its own delivery (kind correction or
 * withdrawal) per channel of the content's own deliveries, keyed by
 * (content, channel, audience, kind, number): the number is the content's
 * correction (or withdrawal) count, so asking twice for the same one creates
 * it once. It goes only to those the content reached on the channel, by its
 * own delivery or by a fallback there (their submitted receipts; the pipeline
 * reads them, src/delivery/audience.ts), each once: by email, push
 * and SMS (its own template, SMS_TEMPLATE_CHANGE). WeChat has no
 * recipient list and cannot replace a published article: no notice there.
 * Creating a notice is audited (src/hooks/noticesAudit.ts).
 */
type Doc = { id: string | number; title?: string | null; _status?: string; corrections?: number | null; withdrawals?: number | null }

/** What this save asked of notices, noted before the save for the hooks after it. */
type Asked = { notice: boolean; correction: boolean; wechatRepublish: boolean }
const askedKey = (slug: string, id: unknown) => `notice:${slug}:${String(id)}`

/** The channels a notice can go out on: those with a recipient list. */
const NOTICE_CHANNELS = new Set(['email', 'webpush', 'sms'])

/**
 * Whether a notice on this channel can go, and why not: SMS notices need
 * their own approved template (SMS_TEMPLATE_CHANGE) besides SMS itself.
 */
function noticeReadiness(channel: DeliveryDoc['channel']): { configured: boolean; reason: string | null } {
  if (!channelConfigured(channel)) return { configured: false, reason: t(`delivery.reason.notConfigured.${channel}`) }
  if (channel === 'sms' && !smsNoticesConfigured()) return { configured: false, reason: t('delivery.reason.noChangeTemplate.sms') }
  return { configured: true, reason: null }
}

export const writeReq = (req: PayloadRequest) => (req.payload.db.name === 'mongoose' ? noTransaction() : req)

/**
 * Before every save of a content: take the `notice` request off the data (it
 * is never stored as asked), count a correction (a publication over the
 * published content) and keep the counts as stored (only the lifecycle sets them).
 */
export const takeNoticeRequest: CollectionBeforeChangeHook = async ({ data, operation, originalDoc, req, collection, context }) => {
  const asked = data.notice === true
  const wechatRepublish = data.wechatRepublish === true
  data.notice = false
  data.wechatRepublish = false
  if (operation !== 'update' || originalDoc?.id == null) {
    data.corrections = 0
    data.withdrawals = 0
    return data
  }
  const stored = await req.payload.db.findOne<Doc>({ collection: collection.slug, where: { id: { equals: originalDoc.id } }, req })
  data.withdrawals = stored?.withdrawals ?? 0
  data.corrections = stored?.corrections ?? 0
  const correction = stored?._status === 'published' && (data._status ?? stored._status) === 'published'
  if (correction) data.corrections = (stored?.corrections ?? 0) + 1
  context[askedKey(collection.slug, originalDoc.id)] = { notice: asked, correction, wechatRepublish } satisfies Asked
  return data
}

/** What the save noted: a notice asked for, and whether the save is a correction. */
export const askedOf = (context: Record<string, unknown>, slug: string, id: unknown): Asked =>
  (context[askedKey(slug, id)] as Asked | undefined) ?? { notice: false, correction: false, wechatRepublish: false }

/** The content deliveries of a content (not its notices, nor its fallbacks: a notice goes to those a fallback reached through its original's channel). */
export async function contentDeliveries(payload: Payload, collection: ContentSlug, id: string | number, req?: PayloadRequest): Promise<DeliveryDoc[]> {
  const { docs } = await payload.db.find({
    collection: 'deliveries',
    where: { and: [{ contentType: { equals: collection } }, { contentId: { equals: String(id) } }] },
    limit: 0,
    pagination: false,
    req: req ? writeReq(req) : undefined,
  })
  return (docs as unknown as DeliveryDoc[]).filter(isPrimary)
}

/**
 * The delivery a notice on each channel is keyed to: the content's own on that channel, or, on a
 * channel the content reached only by a fallback (src/delivery/fallback.ts), its first fallback
 * there. The notice goes to those the content reached on the channel either way (delivery/audience.ts).
 */
async function noticeOriginals(payload: Payload, collection: ContentSlug, id: string | number, req: PayloadRequest): Promise<{ original: DeliveryDoc; sources: string[] }[]> {
  const { docs } = await payload.db.find({
    collection: 'deliveries',
    where: { and: [{ contentType: { equals: collection } }, { contentId: { equals: String(id) } }] },
    limit: 0,
    pagination: false,
    req: writeReq(req),
  })
  const rows = docs as unknown as DeliveryDoc[]
  const primary = rows.filter(isPrimary)
  const fallbacks = rows.filter((d) => d.kind === 'fallback' && !primary.some((p) => p.channel === d.channel)).sort((a, b) => (a.round ?? 0) - (b.round ?? 0))
  const originals = [...primary, ...fallbacks.filter((d, i) => fallbacks.findIndex((x) => x.channel === d.channel) === i)]
  // Whose reached the notice goes to: the original's and the fallbacks' on its channel (the pipeline reads the same).
  return originals.map((original) => ({ original, sources: noticeSourcesIn(rows, original) }))
}

/** Whether any of these deliveries reached anyone (a submitted receipt). */
export async function reachedAny(payload: Payload, deliveries: (string | number)[], req?: PayloadRequest): Promise<boolean> {
  const where: Where = { and: [{ delivery: { in: deliveries.map(String) } }, { status: { equals: 'submitted' } }] }
  return (await payload.db.count({ collection: 'delivery-receipts', where, req: req ? writeReq(req) : undefined })).totalDocs > 0
}

/**
 * Create the notices of one correction (or withdrawal) of a content: one per
 * channel with recipients on which the content reached anyone (its own
 * delivery there, or a fallback there: noticeOriginals). Sends
 * nothing; returns those created now (none when they exist already).
 */
export async function createNotices(payload: Payload, collection: ContentSlug, doc: Doc, kind: NoticeKind, number: number, req: PayloadRequest): Promise<DeliveryDoc[]> {
  const created: DeliveryDoc[] = []
  const log = payload.logger.child({ component: 'deliveries' })
  await uniqueIndexReady(payload, 'deliveries')
  for (const { original, sources } of await noticeOriginals(payload, collection, doc.id, req)) {
    if (!NOTICE_CHANNELS.has(original.channel)) continue
    // Nobody reached on the channel, by the content's own delivery or a fallback: no notice there
    // (a content delivery skipped, the channel not configured at publishing, is decided so too: a later fallback there may have reached some).
    if (!(await reachedAny(payload, sources, req))) continue
    const { configured, reason } = noticeReadiness(original.channel)
    try {
      const row = (await payload.db.create({
        collection: 'deliveries',
        data: {
          key: `${collection}:${doc.id}:${original.channel}:${original.audience}:${kind}:${number}`,
          title: doc.title ?? original.title ?? '',
          contentType: collection,
          contentId: String(doc.id),
          channel: original.channel,
          audience: original.audience,
          kind,
          notice: number,
          original: String(original.id),
          status: configured ? 'queued' : 'skipped',
          reason,
          urgent: !!original.urgent,
          publishedAt: new Date().toISOString(),
          ...FRESH_DELIVERY,
        },
        req: writeReq(req),
      })) as unknown as DeliveryDoc
      created.push(row)
      log.info({ delivery: row.id, content: `${collection}:${doc.id}`, channel: row.channel, kind, number }, 'notice created')
    } catch (err) {
      // Asked twice for the same correction (or withdrawal): the first stands.
      if (!isUniqueViolation(err)) throw err
    }
  }
  // Who asked for it, for which content, on which channels and to whom: one audit entry per notice asked (none when it existed already).
  if (created.length) await auditNotices(req, collection, doc, kind, number, created)
  return created
}
