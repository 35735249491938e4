import type { CollectionConfig } from 'payload'

import { adminFieldOnly, adminsOnly, staffOnly } from '../access'
import { headPhoneRead } from '../access/headPhone'
import { checkBuildingCode, checkBuildingHouseholds, checkHeadPhone, LIMITS, type Problem } from '../grids/buildings'
import { buildingDetails } from '../hooks/buildings'
import { refuseDeleteWhileReferenced, relationsExist } from '../hooks/relations'
import { label, langOf, t } from '../i18n/messages'
import { invalidateSiteCacheHook } from '../site/cache'
import { gridShareEndpoints } from './GridsShare'
import { relayBuildingFields, relayEndpoints } from '../relay/fields'
import { streetToolEndpoints } from './GridsTools'

type Req = Parameters<typeof langOf>[0]
/** A field check from src/grids/buildings.ts as Payload's validate: true, or the reason in the editor's language. */
const validWith =
  (check: (value: never) => Problem | null) =>
  (value: unknown, { req }: { req: Req }) => {
    if (value == null || value === '') return true
    const problem = check(value as never)
    return problem ? t(problem.key, langOf(req), problem.vars) : true
  }

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
    // Building codes (given once, unique, never changed) and households: hooks/buildings.ts.
    beforeChange: [relationsExist, buildingDetails],
    // The subscribe pages, grid pages and share kits read the grid directory from the site cache.
    afterChange: [invalidateSiteCacheHook],
    afterDelete: [invalidateSiteCacheHook],
    beforeDelete: [
      refuseDeleteWhileReferenced([
        { collection: 'subscribers', field: 'grid', labelKey: 'ref.subscribers' },
        { collection: 'users', field: 'grids', labelKey: 'ref.staff' },
        { collection: 'announcements', field: 'grids', labelKey: 'ref.announcements' },
        { collection: 'events', field: 'grids', labelKey: 'ref.events' },
        { collection: 'offline-reach', field: 'grid', labelKey: 'ref.offlineReach' },
      ]),
    ],
  },
  access: { read: staffOnly, create: adminsOnly, update: adminsOnly, delete: adminsOnly },
  // Each grid's subscribe QR code (GET /api/grids/:code/share-qr.svg|png), for the staff who act for it.
  // The street's structure as one CSV (POST /api/grids/import, GET /api/grids/export.csv), admins only: GridsTools.ts.
  endpoints: [...gridShareEndpoints, ...streetToolEndpoints, ...relayEndpoints],
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
        {
          name: 'code',
          type: 'text',
          label: label('field.buildingCode'),
          index: true,
          maxLength: LIMITS.code,
          admin: { description: label('field.buildingCode.description') },
          validate: validWith((v: string) => checkBuildingCode(String(v))),
        },
        { name: 'estate', type: 'text', label: label('field.estate'), maxLength: LIMITS.estate },
        { name: 'name', type: 'text', label: label('field.buildingName'), required: true, maxLength: LIMITS.name },
        { name: 'address', type: 'text', label: label('field.buildingAddress'), maxLength: LIMITS.address, admin: { description: label('field.buildingAddress.description') } },
        {
          name: 'households',
          type: 'number',
          label: label('field.buildingHouseholds'),
          min: 1,
          max: LIMITS.households,
          validate: validWith(checkBuildingHouseholds),
        },
        { name: 'head', type: 'text', label: label('field.buildingHead'), maxLength: LIMITS.head },
        {
          name: 'headPhone',
          type: 'text',
          label: label('field.headPhone'),
          maxLength: LIMITS.headPhone,
          // Staff only: admins, editors and this grid's leaders (access/headPhone.ts; docs/privacy.md).
          access: { read: headPhoneRead, create: adminFieldOnly, update: adminFieldOnly },
          admin: { description: label('field.headPhone.description') },
          validate: validWith((v: string) => checkHeadPhone(String(v))),
        },
        // The head's relay link and consent (issue 18, src/relay/): set through the relay endpoint, docs/relay.md.
        ...relayBuildingFields,
      ],
    },
  ],
}
