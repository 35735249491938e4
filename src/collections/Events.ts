import type { Validate } from 'payload'

import { bodyField, summaryField } from '../fields/content'
import { dateTimePicker } from '../fields/dates'
import { label, langOf, t } from '../i18n/messages'
import { contentCollection } from './contentCollection'

const endsAfterStart: Validate = (value, { siblingData, req }) => {
  const start = (siblingData as { startsAt?: string }).startsAt
  if (value && start && new Date(value as string) < new Date(start)) return t('error.endBeforeStart', langOf(req))
  return true
}

const gridsUnlessWholeStreet: Validate = (value, { siblingData, req }) => {
  const whole = (siblingData as { wholeStreet?: boolean }).wholeStreet
  if (!whole && !(Array.isArray(value) && value.length)) return t('error.gridsRequired', langOf(req))
  return true
}

export const Events = contentCollection({
  slug: 'events',
  defaultColumns: ['title', 'startsAt', 'location', '_status', 'urgent'],
  fields: [
    summaryField,
    {
      type: 'row',
      fields: [
        {
          name: 'startsAt',
          type: 'date',
          label: label('field.startsAt'),
          required: true,
          index: true,
          admin: { date: dateTimePicker },
        },
        {
          name: 'endsAt',
          type: 'date',
          label: label('field.endsAt'),
          validate: endsAfterStart,
          admin: { date: dateTimePicker },
        },
      ],
    },
    { name: 'location', type: 'text', label: label('field.location'), required: true, maxLength: 120 },
    { name: 'organiser', type: 'text', label: label('field.organiser'), maxLength: 120 },
    {
      name: 'wholeStreet',
      type: 'checkbox',
      label: label('field.wholeStreet'),
      defaultValue: true,
      admin: { description: label('field.wholeStreet.description') },
    },
    {
      name: 'grids',
      type: 'relationship',
      relationTo: 'grids',
      hasMany: true,
      label: label('field.grids'),
      validate: gridsUnlessWholeStreet,
      admin: { condition: (data) => !data?.wholeStreet },
    },
    { name: 'signup', type: 'textarea', label: label('field.signup'), maxLength: 1000 },
    bodyField('body', false),
  ],
})
