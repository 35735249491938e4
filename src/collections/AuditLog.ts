import type { CollectionConfig } from 'payload'

import { adminsOnly, nobody } from '../access'
import { AUDIT_ACTIONS } from '../hooks/audit'
import { auditCsvEndpoint, refuseAuditChange, refuseAuditDelete } from '../hooks/auditLog'
import { label } from '../i18n/messages'

/**
 * Append-only: written by hooks with overrideAccess (src/hooks/audit.ts),
 * readable by admins, changed or deleted by nobody through any API: access
 * says no, and hooks refuse even the Local API with overrideAccess. Entries
 * go only by the retention job (pruneAuditLog, AUDIT_RETENTION_DAYS, at
 * least 180 days), which deletes through the adapter. The admin list is a
 * view with filters and a CSV export (src/components/AuditLogView.tsx).
 */
export const AuditLog: CollectionConfig = {
  slug: 'audit-log',
  labels: { singular: label('col.audit-log.singular'), plural: label('col.audit-log.plural') },
  admin: {
    group: label('group.system'),
    useAsTitle: 'action',
    defaultColumns: ['createdAt', 'action', 'actorName', 'targetCollection', 'targetTitle'],
    hidden: ({ user }) => (user as { role?: string } | null)?.role !== 'admin',
    components: { views: { list: { Component: '/components/AuditLogView#AuditLogView' } } },
  },
  defaultSort: '-createdAt',
  access: { read: adminsOnly, create: nobody, update: nobody, delete: nobody },
  lockDocuments: false,
  disableDuplicate: true,
  hooks: { beforeChange: [refuseAuditChange], beforeDelete: [refuseAuditDelete] },
  endpoints: [{ path: '/export.csv', method: 'get', handler: auditCsvEndpoint }],
  fields: [
    {
      name: 'action',
      type: 'select',
      label: label('audit.action'),
      required: true,
      index: true,
      options: AUDIT_ACTIONS.map((value) => ({ value, label: label(`audit.${value}`) })),
      admin: { readOnly: true },
    },
    { name: 'actor', type: 'relationship', relationTo: 'users', label: label('audit.actor'), admin: { readOnly: true } },
    { name: 'actorName', type: 'text', label: label('audit.actor'), admin: { readOnly: true } },
    { name: 'targetCollection', type: 'text', label: label('auditView.col.collection'), index: true, admin: { readOnly: true } },
    { name: 'targetId', type: 'text', index: true, label: label('auditView.col.id'), admin: { readOnly: true } },
    { name: 'targetTitle', type: 'text', label: label('auditView.col.title'), admin: { readOnly: true } },
    { name: 'detail', type: 'textarea', label: label('audit.detail'), admin: { readOnly: true } },
  ],
}
