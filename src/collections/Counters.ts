import type { CollectionConfig } from 'payload'

import { nobody } from '../access'
import { label } from '../i18n/messages'

/** Named counters, advanced only through store/counters.ts (one atomic statement per adapter). */
export const Counters: CollectionConfig = {
  slug: 'counters',
  labels: { singular: label('col.counters.singular'), plural: label('col.counters.plural') },
  admin: { hidden: true },
  access: { read: nobody, create: nobody, update: nobody, delete: nobody },
  fields: [
    { name: 'key', type: 'text', required: true, unique: true },
    { name: 'value', type: 'number', required: true, defaultValue: 0 },
  ],
}
