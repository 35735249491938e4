import type { CollectionAfterChangeHook, CollectionAfterDeleteHook, CollectionConfig, Condition, PayloadRequest } from 'payload'
import { ValidationError } from 'payload'

import { adminFieldOnly, adminsOnly, idOf, isAdmin, ROLES, selfOrAdmin } from '../access'
import { audit } from '../hooks/audit'
import { relationsExist } from '../hooks/relations'
import { forgotPasswordMail, staffAfterChange, staffBeforeOperation, staffPasswordRules } from '../hooks/staffAuth'
import { noVerifyEndpoint } from '../hooks/staffVerify'
import { label, langOf, type MessageKey, t } from '../i18n/messages'
import { clientAddressOf } from '../server/clientAddress'
import { env, publicUrl } from '../server/env'
import { invalidateSiteCache } from '../site/cache'

type Binding = { role?: string; community?: unknown; grids?: unknown[] | null }

/** The signed-in user's own account page (form data carries the email; not always the id). */
const ownAccount: Condition = (data, _sibling, { operation, user }) =>
  operation === 'update' && typeof data?.email === 'string' && data.email === (user as { email?: string } | null)?.email

/** "网格长 [A-01, A-02]", "社区工作人员 (甲社区)": what a role change actually granted, for the audit log. */
async function describeBinding(req: PayloadRequest, user: Binding | undefined): Promise<string> {
  if (!user?.role) return '-'
  const role = ROLES.includes(user.role as never) ? t(`role.${user.role}` as MessageKey, langOf(req)) : user.role
  if (user.role === 'grid-leader') {
    const ids = (user.grids ?? []).map((g) => idOf(g as never)).filter((g) => g != null)
    const { docs } = ids.length
      ? await req.payload.find({ collection: 'grids', where: { id: { in: ids } }, depth: 0, limit: 0, pagination: false, overrideAccess: true, req })
      : { docs: [] }
    return `${role} [${docs.map((g) => g.code).sort().join(', ')}]`
  }
  if (user.role === 'community-staff') {
    const id = idOf(user.community as never)
    const community = id == null ? null : await req.payload.findByID({ collection: 'communities', id, depth: 0, overrideAccess: true, req }).catch(() => null)
    return `${role} (${community?.name ?? '-'})`
  }
  return role
}

/** What a grid page shows of a grid leader (name, work phone if shown, which grids), as one comparable string. */
const leaderView = (u: Record<string, unknown> | undefined) =>
  JSON.stringify([
    u?.role === 'grid-leader',
    u?.name ?? null,
    u?.workPhone ?? null,
    Boolean(u?.showWorkPhone),
    ((u?.grids as unknown[] | null | undefined) ?? []).map((g) => String((g as { id?: unknown })?.id ?? g)).sort(),
  ])

/** Grid pages show their leaders: a change of what they show drops them from the page cache (tag `users`). */
const leaderPagesOnChange: CollectionAfterChangeHook = ({ doc, previousDoc }) => {
  const leader = doc?.role === 'grid-leader' || previousDoc?.role === 'grid-leader'
  if (leader && leaderView(doc) !== leaderView(previousDoc)) invalidateSiteCache({ collection: 'users' })
  return doc
}
const leaderPagesOnDelete: CollectionAfterDeleteHook = ({ doc }) => {
  if ((doc as { role?: string })?.role === 'grid-leader') invalidateSiteCache({ collection: 'users' })
  return doc
}

export const Users: CollectionConfig = {
  slug: 'users',
  labels: { singular: label('col.users.singular'), plural: label('col.users.plural') },
  auth: {
    // No lock an outsider could hold: failed logins are limited by address, and by account with a short
    // backoff, in hooks/staffAuth.ts (with the audit entries), so Payload's own lock is off.
    maxLoginAttempts: 0,
    // Sessions end after this long without a request; the admin renews its token while it is used (STAFF_IDLE_MINUTES).
    tokenExpiration: env.staffIdleMinutes * 60,
    // One entry per signed-in browser: "log out everywhere", and a password change ends the others.
    useSessions: true,
    cookies: { sameSite: 'Lax', secure: publicUrl().startsWith('https://') },
    forgotPassword: forgotPasswordMail,
  },
  admin: {
    useAsTitle: 'name',
    defaultColumns: ['name', 'email', 'role', 'community', 'grids'],
    group: label('group.system'),
    hidden: ({ user }) => !isAdmin(user),
  },
  // No email verification for staff: Payload's verify route answers 404, not a 500 (hooks/staffVerify.ts).
  endpoints: [noVerifyEndpoint],
  access: {
    read: selfOrAdmin,
    create: adminsOnly,
    update: selfOrAdmin,
    delete: adminsOnly,
  },
  fields: [
    { name: 'name', type: 'text', label: label('field.name'), required: true, maxLength: 60 },
    {
      name: 'role',
      type: 'select',
      label: label('field.role'),
      required: true,
      defaultValue: 'editor',
      index: true,
      saveToJWT: true,
      access: { create: adminFieldOnly, update: adminFieldOnly },
      options: ROLES.map((value) => ({ value, label: label(`role.${value}`) })),
    },
    {
      name: 'community',
      type: 'relationship',
      relationTo: 'communities',
      label: label('field.community'),
      saveToJWT: true,
      access: { create: adminFieldOnly, update: adminFieldOnly },
      admin: { condition: (data) => data?.role === 'community-staff' },
    },
    {
      name: 'grids',
      type: 'relationship',
      relationTo: 'grids',
      hasMany: true,
      label: label('field.grids'),
      saveToJWT: true,
      access: { create: adminFieldOnly, update: adminFieldOnly },
      admin: { condition: (data) => data?.role === 'grid-leader' },
    },
    { name: 'phone', type: 'text', label: label('field.phone'), maxLength: 30 },
    // A grid leader's work phone, on their grid's page only when they tick showWorkPhone (edited by themselves or an admin).
    { name: 'workPhone', type: 'text', label: label('field.workPhone'), maxLength: 30, admin: { description: label('field.workPhone.description') } },
    { name: 'showWorkPhone', type: 'checkbox', label: label('field.showWorkPhone'), defaultValue: false },
    {
      // Only checked when one changes one's own password (staffPasswordRules); never stored.
      name: 'currentPassword',
      type: 'text',
      virtual: true,
      label: label('field.currentPassword'),
      admin: {
        condition: ownAccount,
        components: { Field: '/components/StaffAuthFields#CurrentPasswordField' },
        disableListColumn: true,
        disableListFilter: true,
      },
    },
    {
      // A new account gets a random password and a mail with a set-password link (staffBeforeOperation).
      name: 'sendSetPasswordMail',
      type: 'checkbox',
      virtual: true,
      label: label('field.sendSetPasswordMail'),
      access: { create: adminFieldOnly, update: () => false },
      admin: {
        condition: (_data, _sibling, { operation }) => operation === 'create',
        components: { Field: '/components/StaffAuthFields#SetPasswordMailField' },
        disableListColumn: true,
        disableListFilter: true,
      },
    },
    {
      name: 'logoutEverywhere',
      type: 'ui',
      admin: {
        condition: ownAccount,
        components: { Field: '/components/StaffAuthFields#LogoutEverywhereField' },
      },
    },
  ],
  hooks: {
    beforeOperation: [staffBeforeOperation],
    beforeValidate: [staffPasswordRules],
    beforeChange: [
      relationsExist,
      async ({ data, operation, req }) => {
        // The first account of a new database (Payload's create-first-user
        // screen) must be able to run it: it becomes an admin.
        if (operation === 'create') {
          const { totalDocs } = await req.payload.count({ collection: 'users', overrideAccess: true, req })
          if (totalDocs === 0) data.role = 'admin'
        }
        return data
      },
      ({ data, originalDoc, req }) => {
        const merged = { ...originalDoc, ...data }
        const lang = langOf(req)
        if (merged.role === 'community-staff' && !merged.community)
          throw new ValidationError(
            { collection: 'users', errors: [{ path: 'community', message: t('error.communityRequired', lang) }], req },
            req.t,
          )
        if (merged.role === 'grid-leader' && !merged.grids?.length)
          throw new ValidationError(
            { collection: 'users', errors: [{ path: 'grids', message: t('error.gridLeaderGrids', lang) }], req },
            req.t,
          )
        // A binding that no longer fits the role is dropped, so it grants nothing.
        if (merged.role !== 'community-staff') data.community = null
        if (merged.role !== 'grid-leader') data.grids = []
        return data
      },
    ],
    afterChange: [
      async ({ doc, previousDoc, operation, req }) => {
        const ids = (v: unknown) =>
          JSON.stringify(((v as unknown[]) ?? []).map((g) => String((g as { id?: unknown })?.id ?? g)).sort())
        const comm = (v: unknown) => String((v as { id?: unknown })?.id ?? v ?? '')
        const changed =
          operation === 'create' ||
          doc.role !== previousDoc?.role ||
          ids(doc.grids) !== ids(previousDoc?.grids) ||
          comm(doc.community) !== comm(previousDoc?.community)
        if (changed) {
          const before = operation === 'create' ? '-' : await describeBinding(req, previousDoc)
          await audit(
            req,
            'role-change',
            { collection: 'users', id: doc.id, title: doc.name },
            `${before} → ${await describeBinding(req, doc)}`,
          )
        }
        return doc
      },
      staffAfterChange,
      leaderPagesOnChange,
    ],
    afterDelete: [leaderPagesOnDelete],
    afterLogin: [
      async ({ req, user }) => {
        req.user ??= user
        const address = clientAddressOf(req)
        await audit(req, 'login', { collection: 'users', id: user.id, title: user.name }, address ? t('audit.detail.from', 'zh', { address }) : undefined)
      },
    ],
  },
  timestamps: true,
}
