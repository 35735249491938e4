import { citeDocument } from '../documents/cite'
import { bodyField } from '../fields/content'
import { dayPicker } from '../fields/dates'
import { label } from '../i18n/messages'
import { contentCollection } from './contentCollection'
import { httpUrl } from './PolicyDocuments'

/** The citation fields are the linked document's (kept by citeDocument); typed only for an explainer without one. */
const citation = { condition: (data: Record<string, unknown>) => !data?.document }

export const Policies = contentCollection({
  slug: 'policies',
  defaultColumns: ['title', 'issuingBody', 'documentNumber', '_status'],
  hooks: { beforeValidate: [citeDocument] },
  fields: [
    {
      name: 'document',
      type: 'relationship',
      relationTo: 'policy-documents',
      label: label('field.policyDocument'),
      index: true,
      admin: { description: label('field.policyDocument.description') },
    },
    {
      type: 'row',
      fields: [
        { name: 'issuingBody', type: 'text', label: label('field.issuingBody'), required: true, maxLength: 120, admin: citation },
        { name: 'documentNumber', type: 'text', label: label('field.documentNumber'), maxLength: 60, admin: citation },
        { name: 'effectiveDate', type: 'date', label: label('field.effectiveDate'), admin: { date: dayPicker } },
      ],
    },
    { name: 'summary', type: 'textarea', label: label('field.plainSummary'), required: true, maxLength: 1000 },
    bodyField('body'),
    {
      name: 'qa',
      type: 'array',
      label: label('field.qa'),
      labels: { singular: label('field.qaItem'), plural: label('field.qa') },
      maxRows: 40,
      fields: [
        { name: 'question', type: 'text', label: label('field.question'), required: true, maxLength: 200 },
        { name: 'answer', type: 'textarea', label: label('field.answer'), required: true, maxLength: 2000 },
      ],
    },
    { name: 'sourceUrl', type: 'text', label: label('field.sourceUrl'), maxLength: 500, validate: httpUrl, admin: citation },
  ],
})
