import type { CollectionConfig } from 'payload'

import { adminsOnly, nobody } from '../access'
import { label } from '../i18n/messages'

/**
 * The pre-publish checks' history (issue 16, the inspection report): each
 * finding of a content when it was first seen and when it went away (fixed),
 * written by src/content/checkRecords.ts on every save and when an editor
 * checks the external links. Never the matched text of personal information
 * (an ID or phone number must not outlive its masking here): only its kind,
 * field and the hash an override covers. Admins read it; nobody writes it
 * through any API.
 */
export const CHECK_RECORDS_SLUG = 'check-records'

export const CheckRecords: CollectionConfig = {
  slug: CHECK_RECORDS_SLUG,
  labels: { singular: label('col.check-records.singular'), plural: label('col.check-records.plural') },
  admin: {
    group: label('group.system'),
    hidden: true,
    useAsTitle: 'title',
  },
  access: { read: adminsOnly, create: nobody, update: nobody, delete: nobody },
  lockDocuments: false,
  disableDuplicate: true,
  indexes: [{ fields: ['contentType', 'contentId'] }],
  fields: [
    { name: 'contentType', type: 'text', required: true },
    { name: 'contentId', type: 'text', required: true },
    { name: 'title', type: 'text' },
    { name: 'kind', type: 'text', required: true },
    { name: 'severity', type: 'text', required: true },
    { name: 'path', type: 'text' },
    // checks/settings.ts findingKey: the same hash an override's `covers` lists.
    { name: 'key', type: 'text', required: true },
    // What was found, where it is not personal information (a wrong word, a dead link's URL).
    { name: 'text', type: 'text' },
    { name: 'external', type: 'checkbox', defaultValue: false },
    { name: 'firstSeenAt', type: 'date', required: true, index: true },
    { name: 'fixedAt', type: 'date', index: true },
  ],
}
