import type { CollectionConfig } from 'payload'

import { editorsOnly, nobody } from '../access'
import { label } from '../i18n/messages'

/**
 * What a building head (楼栋长) confirmed for one content and one building
 * (issue 18): 已转发到楼栋群 (relayedAt), 已张贴 (postedAt), 已入户告知 N 户
 * (doorHouseholds, at most the building's households; doorsAt). One row per
 * content × building, written by the head's page (src/relay/) with
 * overrideAccess; a confirmation may be corrected on the street day it was
 * made. `head` is the name of the head who confirmed (a handover keeps the
 * history: the row names whoever did it then). Grid leaders read their
 * grid's rows through the relay views, not through this collection.
 */
export const RelayConfirmations: CollectionConfig = {
  slug: 'relay-confirmations',
  labels: { singular: label('col.relay-confirmations.singular'), plural: label('col.relay-confirmations.plural') },
  admin: { hidden: true },
  access: { read: editorsOnly, create: nobody, update: nobody, delete: nobody },
  lockDocuments: false,
  fields: [
    { name: 'contentType', type: 'text', required: true },
    { name: 'contentId', type: 'text', required: true },
    /** The grid's id as text, and the building's code (grids' buildings keep their codes for ever). */
    { name: 'grid', type: 'text', required: true, index: true },
    { name: 'building', type: 'text', required: true },
    { name: 'head', type: 'text' },
    { name: 'relayedAt', type: 'date' },
    { name: 'postedAt', type: 'date' },
    { name: 'doorHouseholds', type: 'number', min: 0 },
    { name: 'doorsAt', type: 'date' },
  ],
  indexes: [{ fields: ['contentType', 'contentId', 'building'], unique: true }],
}
