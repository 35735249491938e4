import type { CollectionConfig } from 'payload'

import { adminsOnly, staffOnly } from '../access'
import { refuseDeleteWhileReferenced, relationsExist } from '../hooks/relations'
import { label, langOf, t } from '../i18n/messages'
import { invalidateSiteCacheHook } from '../site/cache'
import { gridShareEndpoints } from './GridsShare'

export const Grids: CollectionConfig = {
  slug: 'grids',
  labels: { singular: label('col.grids.singular'), plural: label('col.grids.plural') },
  admin: {
    useAsTitle: 'name',
    defaultColumns: ['code', 'name', 'community', 'households'],
    group: label('group.street'),
    listSearchableFields: ['code', 'name'],
  },
  defaultSort: 'code',
  hooks: {
    beforeChange: [relationsExist],
    // The subscribe pages, grid pages and share kits read the grid directory from the site cache.
    afterChange: [invalidateSiteCacheHook],
    afterDelete: [invalidateSiteCacheHook],
    beforeDelete: [
      refuseDeleteWhileReferenced([
        { collection: 'subscribers', field: 'grid', labelKey: 'ref.subscribers' },
        { collection: 'users', field: 'grids', labelKey: 'ref.staff' },
        { collection: 'announcements', field: 'grids', labelKey: 'ref.announcements' },
        { collection: 'events', field: 'grids', labelKey: 'ref.events' },
      ]),
    ],
  },
  access: { read: staffOnly, create: adminsOnly, update: adminsOnly, delete: adminsOnly },
  // Each grid's subscribe QR code (GET /api/grids/:code/share-qr.svg|png), for the staff who act for it.
  endpoints: gridShareEndpoints,
  fields: [
    { name: 'code', type: 'text', label: label('field.code'), required: true, unique: true, maxLength: 20 },
    { name: 'name', type: 'text', label: label('field.name'), required: true, maxLength: 60 },
    {
      name: 'community',
      type: 'relationship',
      relationTo: 'communities',
      label: label('field.community'),
      required: true,
      index: true,
    },
    {
      name: 'households',
      type: 'number',
      label: label('field.households'),
      required: true,
      min: 1,
      max: 100000,
      validate: (value: number | null | undefined, { req }: { req: Parameters<typeof langOf>[0] }) =>
        typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 100000
          ? true
          : t('error.householdsRange', langOf(req)),
    },
    {
      name: 'buildings',
      type: 'array',
      label: label('field.buildings'),
      labels: { singular: label('field.buildingName'), plural: label('field.buildings') },
      fields: [
        { name: 'estate', type: 'text', label: label('field.estate'), maxLength: 60 },
        { name: 'name', type: 'text', label: label('field.buildingName'), required: true, maxLength: 60 },
        { name: 'head', type: 'text', label: label('field.buildingHead'), maxLength: 30 },
      ],
    },
  ],
}
