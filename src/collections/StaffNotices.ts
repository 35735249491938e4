import type { Access, CollectionConfig, PayloadHandler } from 'payload'

import { adminsOnly, type Id, isAdmin, isStaff, nobody, sameId } from '../access'
import { label, langOf, type MessageKey, t } from '../i18n/messages'
import { CONTENT_SLUGS } from '../model/content'
import { STAFF_NOTICE_KINDS } from '../hooks/staffNotices'

/**
 * 站内通知: a staff member's in-admin inbox. One row per notice to one
 * recipient (today: their submission approved or returned at a review step,
 * written by src/hooks/reviewNotices.ts through src/hooks/staffNotices.ts).
 * Read only by its recipient (and admins), through every API: the read
 * access is a filter on the recipient, so a list, a by-id request and
 * GraphQL all leave out everyone else's. Created and changed only by our
 * hooks (overrideAccess); `GET /api/staff-notices/:id/open` marks it read
 * (the recipient only) and goes to the content in the admin.
 */
const ownOrAdmin: Access = ({ req }) => {
  const user = req.user as { id: Id; role?: string } | null
  if (!isStaff(user as never)) return false
  if (isAdmin(user as never)) return true
  return { recipient: { equals: user!.id } }
}

/** Opened from the home card: marked read (when it is the recipient's own), then on to the content. */
const openHandler: PayloadHandler = async (req) => {
  const user = req.user as { id: Id } | null
  const id = req.routeParams?.id as string | undefined
  const lang = langOf(req)
  const notFound = () => Response.json({ message: t('staffNotice.error.notFound', lang) }, { status: 404 })
  if (!user || !id) return notFound()
  const notice = (await req.payload
    .findByID({ collection: 'staff-notices', id, depth: 0, overrideAccess: false, user, req, disableErrors: true })
    .catch(() => null)) as { id: Id; recipient?: Id | { id: Id } | null; contentType?: string; contentId?: string; readAt?: string | null } | null
  if (!notice) return notFound()
  const recipient = typeof notice.recipient === 'object' && notice.recipient ? notice.recipient.id : notice.recipient
  if (sameId(recipient, user.id) && !notice.readAt) {
    await req.payload.update({ collection: 'staff-notices', id: notice.id, data: { readAt: new Date().toISOString() }, overrideAccess: true, req })
  }
  const admin = req.payload.config.routes.admin
  const to = notice.contentType && notice.contentId ? `${admin}/collections/${notice.contentType}/${notice.contentId}` : admin
  return new Response(null, { status: 303, headers: { Location: to } })
}

export const StaffNotices: CollectionConfig = {
  slug: 'staff-notices',
  labels: { singular: label('col.staff-notices.singular'), plural: label('col.staff-notices.plural') },
  admin: {
    group: label('group.system'),
    useAsTitle: 'title',
    defaultColumns: ['createdAt', 'recipient', 'kind', 'title', 'readAt'],
    // Staff read their notices on the home (src/components/HomeNotices.tsx); admins may list them all.
    hidden: ({ user }) => !isAdmin(user as never),
  },
  defaultSort: '-createdAt',
  access: { read: ownOrAdmin, create: nobody, update: nobody, delete: adminsOnly },
  lockDocuments: false,
  disableDuplicate: true,
  endpoints: [{ path: '/:id/open', method: 'get', handler: openHandler }],
  indexes: [{ fields: ['recipient', 'readAt'] }],
  fields: [
    // Not `required`: a deleted account's notices keep their row (the column is set null).
    { name: 'recipient', type: 'relationship', relationTo: 'users', index: true, label: label('staffNotice.field.recipient'), admin: { readOnly: true } },
    {
      name: 'kind',
      type: 'select',
      required: true,
      label: label('staffNotice.field.kind'),
      options: STAFF_NOTICE_KINDS.map((value) => ({ value, label: label(`staffNotice.kind.${value}` as MessageKey) })),
      admin: { readOnly: true },
    },
    {
      name: 'contentType',
      type: 'select',
      label: label('staffNotice.field.contentType'),
      options: CONTENT_SLUGS.map((value) => ({ value, label: label(`col.${value}.singular` as MessageKey) })),
      admin: { readOnly: true },
    },
    { name: 'contentId', type: 'text', label: label('staffNotice.field.contentId'), admin: { readOnly: true } },
    { name: 'title', type: 'text', label: label('staffNotice.field.title'), admin: { readOnly: true } },
    { name: 'step', type: 'text', label: label('staffNotice.field.step'), admin: { readOnly: true } },
    // The whole chain passed (an approval at the last step).
    { name: 'complete', type: 'checkbox', defaultValue: false, admin: { readOnly: true, hidden: true } },
    { name: 'reviewer', type: 'relationship', relationTo: 'users', label: label('staffNotice.field.reviewer'), admin: { readOnly: true } },
    { name: 'reviewerName', type: 'text', label: label('staffNotice.field.reviewer'), admin: { readOnly: true } },
    { name: 'comment', type: 'textarea', label: label('staffNotice.field.comment'), admin: { readOnly: true } },
    { name: 'readAt', type: 'date', index: true, label: label('staffNotice.field.readAt'), admin: { readOnly: true } },
  ],
}
