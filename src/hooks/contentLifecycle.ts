import { createHash } from 'node:crypto'

import {
  type CollectionAfterChangeHook,
  type CollectionBeforeChangeHook,
  ValidationError,
} from 'payload'

import { idOf, isEditor, isGridScoped } from '../access/roles'
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

const NOT_CONTENT = new Set(['id', '_status', 'review', 'createdAt', 'updatedAt', 'publishedAt', 'withdrawnAt', 'number'])

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
  const user = req.user as never
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
      const found = hits.map((h) => `“${h.word}”(${h.context})`).join(';')
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

/** Audit trail and the withdrawn mark: runs after every save of a content. */
export const recordLifecycle: CollectionAfterChangeHook = async ({ doc, previousDoc, req, collection, operation }) => {
  const now = doc as ContentDoc
  const prev = (operation === 'create' ? {} : previousDoc ?? {}) as ContentDoc
  const target = { collection: collection.slug, id: now.id, title: titleOf(now) }

  if (now._status === 'published' && prev._status !== 'published') await audit(req, 'publish', target)

  if (now._status === 'draft' && prev._status === 'published') {
    // A draft saved over a published content leaves the published document in
    // place; only an unpublish turns the document itself back into a draft.
    const stored = await req.payload.db.findOne<ContentDoc & { id: string | number }>({
      collection: collection.slug,
      where: { id: { equals: now.id } },
      req,
    })
    if (stored?._status === 'draft') {
      const withdrawnAt = new Date().toISOString()
      await req.payload.db.updateOne({ collection: collection.slug, id: now.id!, data: { withdrawnAt }, req })
      now.withdrawnAt = withdrawnAt
      await audit(req, 'unpublish', target)
    }
  }

  const status = now.review?.status
  if (status && status !== (prev.review?.status ?? 'none')) {
    if (status === 'pending') await audit(req, 'submit', target)
    if (status === 'approved') await audit(req, 'approve', target)
    if (status === 'returned') await audit(req, 'return', target, now.review?.comment ?? undefined)
  }
  return doc
}
