import {
  type CollectionAfterChangeHook,
  type CollectionBeforeChangeHook,
  type CollectionSlug,
  type PayloadRequest,
  ValidationError,
} from 'payload'

import type { ReviewData } from '../model/review'
import { langOf, type MessageKey, messages, t } from '../i18n/messages'
import { audit } from './audit'
import { nextReview, type ReviewDone, reviewDoneKey } from './review'
import { auditReview } from './reviewNotices'
import { chainAppliesTo, type ReviewDoc } from './reviewRules'
import { findSensitiveWords, parseWordList } from './sensitiveWords'
import { settingsFor } from './settings'

type ContentDoc = {
  id?: string | number
  title?: string
  _status?: 'draft' | 'published'
  review?: ReviewData | null
  grids?: unknown[]
  publishedAt?: string | null
  withdrawnAt?: string | null
  [key: string]: unknown
}

export { contentFingerprint } from './fingerprint'

/** The catalogue label of a field path's last segment ("articles.0.summary" → 摘要). */
function labelKeyOfPath(path: string): MessageKey {
  const key = `field.${path.split('.').pop()}`
  return key in messages ? (key as MessageKey) : 'field.body'
}

/**
 * Review (审核) and the publication gate, for every content type: the review
 * actions and their rules (./review.ts); publishing needs the content's
 * review chain complete when the chain applies to the one who publishes (a
 * scheduled publication publishes as the one who scheduled it); nothing with
 * a sensitive word is published.
 */
export const reviewAndPublishGate: CollectionBeforeChangeHook = async ({ data, originalDoc, req, collection, context }) => {
  const lang = langOf(req)
  const user = req.user
  const before = (originalDoc ?? {}) as ContentDoc
  const merged: ContentDoc = { ...before, ...(data as ContentDoc) }
  // The label names the field in the admin's error toast ("下面的字段是无效的：审核状态");
  // the message, shown on the field itself, says why.
  const refuse = (path: string, message: string, labelKey: MessageKey) =>
    new ValidationError({ collection: collection.slug, errors: [{ path, message, label: t(labelKey, lang) }], req }, req.t)

  const review = await nextReview({ data, before: before as ReviewDoc, merged: merged as ReviewDoc, req, slug: collection.slug, context })
  data.review = review

  if (merged._status === 'published') {
    const settings = await settingsFor(req)
    const hits = findSensitiveWords(merged, parseWordList(settings.sensitiveWords), collection.fields as never)
    if (hits.length) {
      const found = hits.map((h) => t('format.withCode', lang, { text: `“${h.word}”`, code: h.context })).join(t('format.listSeparator', lang))
      throw refuse(hits[0].path || 'title', t('error.sensitiveWords', lang, { found }), labelKeyOfPath(hits[0].path))
    }
    if (review.status !== 'approved' && (await chainAppliesTo(req, collection.slug, user as never))) {
      throw refuse('review.status', t('review.error.needsApproval', lang), 'field.reviewStatus')
    }
    if (!merged.publishedAt) data.publishedAt = new Date().toISOString()
    data.withdrawnAt = null
  }
  return data
}

const titleOf = (doc: ContentDoc) => doc.title ?? null

/**
 * Publication is judged from the stored main document, never from
 * `previousDoc`: with drafts on, Payload hands the hooks the latest version,
 * which is a draft as soon as a correction was saved (保存草稿) over the
 * published content. So an unpublish after a saved draft looked like a draft
 * saved over a draft, and nothing was withdrawn.
 */
export type PublicationChange = 'published' | 'withdrawn' | null
type Memo = { wasPublished: boolean; change?: Promise<PublicationChange> }
const memoKey = (slug: string, id: unknown) => `publication:${slug}:${String(id)}`

/** The main document as stored: the published one while it is published, whatever drafts were saved over it. */
const storedMain = (req: PayloadRequest, slug: CollectionSlug, id: string | number) =>
  req.payload.db.findOne<ContentDoc & { id: string | number }>({ collection: slug, where: { id: { equals: id } }, req })

/**
 * Before every save: note whether the content is published now (for the
 * hooks after the save), and keep the withdrawn mark as the stored document
 * has it. Only the lifecycle sets that mark (never a request); publishing
 * clears it (reviewAndPublishGate).
 */
export const rememberPublication: CollectionBeforeChangeHook = async ({ data, operation, originalDoc, req, collection, context }) => {
  const id = (originalDoc as ContentDoc | undefined)?.id
  if (operation !== 'update' || id == null) {
    data.withdrawnAt = null
    return data
  }
  const stored = await storedMain(req, collection.slug, id)
  context[memoKey(collection.slug, id)] = { wasPublished: stored?._status === 'published' } satisfies Memo
  data.withdrawnAt = stored?.withdrawnAt ?? null
  return data
}

/**
 * What this save did to the content's publication: published it (it was not
 * published before), withdrew it (it was, and the stored document is a draft
 * now), or neither (a draft saved over published content, a correction
 * published, a re-save). Worked out once per save; every after-change hook
 * gets the same answer.
 */
export function publicationChange({ doc, previousDoc, operation, req, collection, context }: Parameters<CollectionAfterChangeHook>[0]): Promise<PublicationChange> {
  const now = doc as ContentDoc
  if (operation === 'create') return Promise.resolve(now._status === 'published' ? 'published' : null)
  const key = memoKey(collection.slug, now.id)
  // Without the note (a save that skipped the hooks before it), the version before is the best there is.
  const memo = (context[key] as Memo | undefined) ?? { wasPublished: (previousDoc as ContentDoc | undefined)?._status === 'published' }
  context[key] = memo
  memo.change ??= (async (): Promise<PublicationChange> => {
    if (now._status === 'published') return memo.wasPublished ? null : 'published'
    if (!memo.wasPublished) return null
    // A draft save leaves the published main document in place; an unpublish turns it into a draft.
    const stored = await storedMain(req, collection.slug, now.id!)
    return stored?._status === 'published' ? null : 'withdrawn'
  })()
  return memo.change
}

/** Audit trail and the withdrawn mark: runs after every save of a content. */
export const recordLifecycle: CollectionAfterChangeHook = async (args) => {
  const { doc, previousDoc, req, collection, operation } = args
  const now = doc as ContentDoc
  const prev = (operation === 'create' ? {} : previousDoc ?? {}) as ContentDoc
  const target = { collection: collection.slug, id: now.id, title: titleOf(now) }
  const change = await publicationChange(args)

  // A publication, or a pending correction published: both are the editor's 发布.
  if (now._status === 'published' && (change === 'published' || prev._status !== 'published')) await audit(req, 'publish', target)

  if (change === 'withdrawn') {
    const withdrawnAt = new Date().toISOString()
    await req.payload.db.updateOne({ collection: collection.slug, id: now.id!, data: { withdrawnAt }, req })
    now.withdrawnAt = withdrawnAt
    await audit(req, 'unpublish', target)
  }

  // What the review hook did in this save (src/hooks/review.ts): an audit entry with the step and comment, and the notices.
  const doneKey = reviewDoneKey(collection.slug, operation === 'create' ? null : now.id)
  const done = req.context[doneKey] as ReviewDone | undefined
  if (done) {
    delete req.context[doneKey]
    await auditReview(req, target, now, done)
  }
  return doc
}
