import type { CollectionConfig } from 'payload'
import { ValidationError } from 'payload'

import { adminFieldOnly, adminsOnly, isAdmin, ROLES, selfOrAdmin } from '../access'
import { audit } from '../hooks/audit'
import { relationsExist } from '../hooks/relations'
import { label, langOf, t } from '../i18n/messages'

export const Users: CollectionConfig = {
  slug: 'users',
  labels: { singular: label('col.users.singular'), plural: label('col.users.plural') },
  auth: {
    // Locks the account for 10 minutes after 5 failed logins in a row.
    maxLoginAttempts: 5,
    lockTime: 10 * 60 * 1000,
    tokenExpiration: 8 * 60 * 60,
    cookies: { sameSite: 'Lax' },
  },
  admin: {
    useAsTitle: 'name',
    defaultColumns: ['name', 'email', 'role', 'community', 'grids'],
    group: label('group.system'),
    hidden: ({ user }) => !isAdmin(user as never),
  },
  access: {
    read: selfOrAdmin,
    create: adminsOnly,
    update: selfOrAdmin,
    delete: adminsOnly,
    unlock: adminsOnly,
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
  ],
  hooks: {
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
          await audit(
            req,
            'role-change',
            { collection: 'users', id: doc.id, title: doc.name },
            `${previousDoc?.role ?? '-'} → ${doc.role}`,
          )
        }
        return doc
      },
    ],
    afterLogin: [
      async ({ req, user }) => {
        req.user ??= user
        await audit(req, 'login', { collection: 'users', id: user.id, title: user.name })
      },
    ],
  },
  timestamps: true,
}
