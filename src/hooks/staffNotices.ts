import type { PayloadRequest, Where } from 'payload'

import { type Id, idOf } from '../access/roles'
import { type Lang, t } from '../i18n/messages'
import type { ContentSlug } from '../model/content'

/**
 * 站内通知 (src/collections/StaffNotices.ts): writing one to a staff member,
 * and reading a user's own for the home card and the navigation's count.
 */
export const STAFF_NOTICE_KINDS = ['approved', 'returned'] as const
export type StaffNoticeKind = (typeof STAFF_NOTICE_KINDS)[number]

export type StaffNoticeInput = {
  recipient: Id
  kind: StaffNoticeKind
  contentType: ContentSlug
  contentId: Id
  title: string
  step: string
  complete: boolean
  reviewer: Id | null
  reviewerName: string
  comment: string | null
}

/** One notice to one staff member, in the save's transaction. */
export async function sendStaffNotice(req: PayloadRequest, n: StaffNoticeInput): Promise<void> {
  await req.payload.create({ collection: 'staff-notices', data: { ...n, contentId: String(n.contentId) } as never, overrideAccess: true, req })
  req.payload.logger.info({ component: 'review', recipient: n.recipient, kind: n.kind, content: `${n.contentType}:${n.contentId}` }, 'staff notice')
}

export type StaffNoticeItem = {
  id: Id
  kind: StaffNoticeKind
  line: string
  comment: string | null
  createdAt: string | null
  unread: boolean
}

type Row = { id: Id; kind: StaffNoticeKind; title?: string | null; step?: string | null; complete?: boolean | null; reviewerName?: string | null; comment?: string | null; createdAt?: string; readAt?: string | null }

/** The sentence a notice reads as: "“停水通知”已通过初审（审核人：张编辑）。" */
export function noticeLine(n: Pick<Row, 'kind' | 'title' | 'step' | 'complete' | 'reviewerName'>, lang: Lang): string {
  const vars = { title: n.title ?? '', step: n.step ?? '', by: n.reviewerName ?? '' }
  if (n.kind === 'returned') return t('staffNotice.line.returned', lang, vars)
  return t(n.complete ? 'staffNotice.line.approvedAll' : 'staffNotice.line.approved', lang, vars)
}

/** This user's own notices, newest first (never anyone else's, admins included), and how many are unread. */
export async function myNotices(req: PayloadRequest, lang: Lang, limit = 5): Promise<{ unread: number; items: StaffNoticeItem[] }> {
  const me = idOf(req.user as never)
  if (me == null) return { unread: 0, items: [] }
  const mine = { recipient: { equals: me } }
  const [found, unread] = await Promise.all([
    req.payload.find({ collection: 'staff-notices', where: mine, sort: '-createdAt', limit, depth: 0, overrideAccess: true, req }),
    unreadCount(req),
  ])
  const items = (found.docs as unknown as Row[]).map((d) => ({
    id: d.id,
    kind: d.kind,
    line: noticeLine(d, lang),
    comment: d.comment ?? null,
    createdAt: d.createdAt ?? null,
    unread: !d.readAt,
  }))
  return { unread, items }
}

/** How many of this user's notices are unread. */
export async function unreadCount(req: PayloadRequest): Promise<number> {
  const me = idOf(req.user as never)
  if (me == null) return 0
  const where: Where = { and: [{ recipient: { equals: me } }, { or: [{ readAt: { exists: false } }, { readAt: { equals: null } }] }] }
  return (await req.payload.count({ collection: 'staff-notices', where, overrideAccess: true, req })).totalDocs
}
