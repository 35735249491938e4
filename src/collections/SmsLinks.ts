import type { CollectionConfig } from 'payload'

import { nobody } from '../access'
import { label } from '../i18n/messages'

/**
 * Short links of text messages (/s/CODE, issue 17): one row per recipient of
 * an SMS delivery, written before the call that carries it. `target` is the
 * path (and query) the code redirects to: the content's page with the
 * recipient's signed read token, the same attribution as an email link
 * (src/delivery/links.ts). No subscriber is stored: the token's reader key
 * differs for every content, so two codes cannot be linked to one resident.
 */
export const SmsLinks: CollectionConfig = {
  slug: 'sms-links',
  labels: { singular: label('col.sms-links.singular'), plural: label('col.sms-links.plural') },
  admin: { hidden: true },
  access: { read: nobody, create: nobody, update: nobody, delete: nobody },
  lockDocuments: false,
  fields: [
    { name: 'code', type: 'text', required: true, unique: true, index: true },
    { name: 'delivery', type: 'text', required: true, index: true },
    { name: 'target', type: 'text', required: true },
  ],
}
