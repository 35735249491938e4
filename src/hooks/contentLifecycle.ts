import { createHash } from 'node:crypto'

import {
  type CollectionAfterChangeHook,
  type CollectionBeforeChangeHook,
  type CollectionSlug,
  type PayloadRequest,
  ValidationError,
} from 'payload'

import { idOf, isEditor, isGridScoped } from '../access/roles'
import { PUBLISH_CHOICE_KEYS } from '../fields/audience'
import type { ReviewState } from '../fields/content'
import { langOf, type MessageKey, messages, t } from '../i18n/messages'
import { audit } from './audit'
import { findSensitiveWords, parseWordList } from './sensitiveWords'
import { settingsFor } from './settings'

type Review = { status?: ReviewState; comment?: string | null; reviewedBy?: unknown; approvedHash?: string | null }
type ContentDoc = {
  id?: string | number
  title?: string
  _status?: 'draft' | 'published'
  review?: Review
  grids?: unknown[]
  publishedAt?: string | null
  withdrawnAt?: string | null
  [key: string]: unknown
}

// The checks override is a staff decision about the content, not what a reader sees (set by hooks/checksGate.ts).
// The publishing choices (channels, notice) are the publisher's, made after the approval.
const NOT_CONTENT = new Set(['id', '_status', 'review', 'createdAt', 'updatedAt', 'publishedAt', 'withdrawnAt', 'number', 'checksOverride', ...PUBLISH_CHOICE_KEYS])

/** A fingerprint of what a reader would see: an approval is for this exact content. */
export function contentFingerprint(doc: ContentDoc): string {
  const normalise = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(normalise)
    if (v && typeof v === 'object') {
      if ('id' in v && Object.keys(v).length > 2) return String((v as { id: unknown }).id) // populated relation
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, normalise((v as Record<string, unknown>)[k])]),
      )
    }
    return v == null ? null : typeof v === 'number' || typeof v === 'string' ? String(v) : v
  }
  const picked = Object.fromEntries(
    Object.keys(doc)
      .filter((k) => !NOT_CONTENT.has(k))
      .sort()
      .map((k) => [k, normalise(doc[k])]),
  )
  return createHash('sha256').update(JSON.stringify(picked)).digest('hex')
}

/** The catalogue label of a field path's last segment ("articles.0.summary" → 摘要). */
function labelKeyOfPath(path: string): MessageKey {
  const key = `field.${path.split('.').pop()}`
  return key in messages ? (key as MessageKey) : 'field.body'
}

/**
 * Review (审核) transitions and the publication gate, for every content type:
 * only editors approve or send back; grid-scoped staff need an approval of the
 * exact content (unless the site allows direct publication); nothing with a
 * sensitive word is published.
 */
export const reviewAndPublishGate: CollectionBeforeChangeHook = async ({ data, originalDoc, req, collection }) => {
  const lang = langOf(req)
  const user = req.user
  const before = (originalDoc ?? {}) as ContentDoc
  const merged: ContentDoc = { ...before, ...(data as ContentDoc) }
  const prevReview: Review = before.review ?? { status: 'none' }
  const asked = (data as ContentDoc).review
  // A request may ask for a state and write a comment; who reviewed and what
  // was approved are only ever set here, never taken from the request.
  const review: Review = {
    status: asked?.status ?? prevReview.status ?? 'none',
    comment: asked && 'comment' in asked ? asked.comment : (prevReview.comment ?? null),
    reviewedBy: idOf(prevReview.reviewedBy as never) ?? null,
    approvedHash: prevReview.approvedHash ?? null,
  }
  // The label names the field in the admin's error toast ("下面的字段是无效的：审核状态");
  // the message, shown on the field itself, says why.
  const refuse = (path: string, message: string, labelKey: MessageKey) =>
    new ValidationError({ collection: collection.slug, errors: [{ path, message, label: t(labelKey, lang) }], req }, req.t)

  if (review.status !== prevReview.status) {
    if (review.status === 'approved' || review.status === 'returned') {
      if (!isEditor(user)) {
        throw refuse('review.status', t('error.reviewNotAllowed', lang), 'field.reviewStatus')
      }
      if (review.status === 'returned' && !review.comment?.trim()) {
        throw refuse('review.comment', t('error.returnNeedsComment', lang), 'field.reviewComment')
      }
      review.reviewedBy = idOf((req.user as { id: string | number } | null)?.id) ?? null
    }
    review.approvedHash = review.status === 'approved' ? contentFingerprint(merged) : null
  } else if (review.status === 'approved' && review.approvedHash !== contentFingerprint(merged)) {
    // An editor's own edits keep the approval; anyone else's change voids it.
    if (isEditor(user)) review.approvedHash = contentFingerprint(merged)
    else Object.assign(review, { status: 'none', approvedHash: null })
  }
  data.review = review

  if (merged._status === 'published') {
    const settings = await settingsFor(req)
    const hits = findSensitiveWords(merged, parseWordList(settings.sensitiveWords), collection.fields as never)
    if (hits.length) {
      const found = hits.map((h) => t('format.withCode', lang, { text: `“${h.word}”`, code: h.context })).join(t('format.listSeparator', lang))
      throw refuse(hits[0].path || 'title', t('error.sensitiveWords', lang, { found }), labelKeyOfPath(hits[0].path))
    }
    const needsApproval = isGridScoped(user) && !settings.allowGridLeaderDirectPublish
    if (needsApproval && review.status !== 'approved') {
      throw refuse('review.status', t('error.needsApproval', lang), 'field.reviewStatus')
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

  const status = now.review?.status
  if (status && status !== (prev.review?.status ?? 'none')) {
    if (status === 'pending') await audit(req, 'submit', target)
    if (status === 'approved') await audit(req, 'approve', target)
    if (status === 'returned') await audit(req, 'return', target, now.review?.comment ?? undefined)
  }
  return doc
}
