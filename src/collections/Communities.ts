import type { CollectionConfig } from 'payload'

import { adminsOnly, staffOnly } from '../access'
import { refuseDeleteWhileReferenced } from '../hooks/relations'
import { label } from '../i18n/messages'
import { invalidateSiteCacheHook } from '../site/cache'

export const Communities: CollectionConfig = {
  slug: 'communities',
  labels: { singular: label('col.communities.singular'), plural: label('col.communities.plural') },
  admin: { useAsTitle: 'name', defaultColumns: ['name', 'code'], group: label('group.street') },
  access: { read: staffOnly, create: adminsOnly, update: adminsOnly, delete: adminsOnly },
  hooks: {
    // Community names head the grid directory kept in the site cache.
    afterChange: [invalidateSiteCacheHook],
    afterDelete: [invalidateSiteCacheHook],
    beforeDelete: [
      refuseDeleteWhileReferenced([
        { collection: 'grids', field: 'community', labelKey: 'ref.grids' },
        { collection: 'users', field: 'community', labelKey: 'ref.staff' },
      ]),
    ],
  },
  fields: [
    { name: 'name', type: 'text', label: label('field.name'), required: true, maxLength: 60 },
    { name: 'code', type: 'text', label: label('field.code'), required: true, unique: true, maxLength: 20 },
  ],
}
