import type { CollectionConfig } from 'payload'

import { adminsOnly, nobody } from '../access'
import { AUDIT_ACTIONS } from '../hooks/audit'
import { label } from '../i18n/messages'

/** Append-only: written by hooks with overrideAccess, readable by admins, editable by nobody. */
export const AuditLog: CollectionConfig = {
  slug: 'audit-log',
  labels: { singular: label('col.audit-log.singular'), plural: label('col.audit-log.plural') },
  admin: {
    group: label('group.system'),
    useAsTitle: 'action',
    defaultColumns: ['createdAt', 'action', 'actorName', 'targetCollection', 'targetTitle'],
    hidden: ({ user }) => (user as { role?: string } | null)?.role !== 'admin',
  },
  defaultSort: '-createdAt',
  access: { read: adminsOnly, create: nobody, update: nobody, delete: nobody },
  fields: [
    {
      name: 'action',
      type: 'select',
      label: label('audit.action'),
      required: true,
      index: true,
      options: AUDIT_ACTIONS.map((value) => ({ value, label: label(`audit.${value}`) })),
    },
    { name: 'actor', type: 'relationship', relationTo: 'users', label: label('audit.actor') },
    { name: 'actorName', type: 'text', label: label('audit.actor') },
    { name: 'targetCollection', type: 'text', label: label('audit.target') },
    { name: 'targetId', type: 'text', index: true },
    { name: 'targetTitle', type: 'text', label: label('audit.target') },
    { name: 'detail', type: 'textarea', label: label('audit.detail') },
  ],
}
