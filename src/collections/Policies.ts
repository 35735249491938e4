import type { Validate } from 'payload'

import { bodyField } from '../fields/content'
import { dayPicker } from '../fields/dates'
import { label, langOf, t } from '../i18n/messages'
import { contentCollection } from './contentCollection'

const httpUrl: Validate = (value, { req }) =>
  !value || /^https?:\/\/[^\s]+$/i.test(String(value)) ? true : t('error.invalidUrl', langOf(req))

export const Policies = contentCollection({
  slug: 'policies',
  defaultColumns: ['title', 'issuingBody', 'documentNumber', '_status'],
  fields: [
    {
      type: 'row',
      fields: [
        { name: 'issuingBody', type: 'text', label: label('field.issuingBody'), required: true, maxLength: 120 },
        { name: 'documentNumber', type: 'text', label: label('field.documentNumber'), maxLength: 60 },
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
    { name: 'sourceUrl', type: 'text', label: label('field.sourceUrl'), maxLength: 500, validate: httpUrl },
  ],
})
