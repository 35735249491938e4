import type { CollectionBeforeValidateHook } from 'payload'

import { bodyField, summaryField } from '../fields/content'
import { label } from '../i18n/messages'
import { nextCounterValue } from '../store/counters'
import { contentCollection } from './contentCollection'

/** Numbers come from an atomic counter, so concurrent creations never share one. */
const assignNumber: CollectionBeforeValidateHook = async ({ data, operation, req }) => {
  if (operation !== 'create' || !data) return data
  const { docs } = await req.payload.find({
    collection: 'issues',
    sort: '-number',
    limit: 1,
    depth: 0,
    draft: true,
    select: { number: true },
    overrideAccess: true,
    req,
  })
  data.number = await nextCounterValue(req, 'issues.number', Number(docs[0]?.number ?? 0))
  return data
}

export const Issues = contentCollection({
  slug: 'issues',
  defaultColumns: ['number', 'title', '_status', 'publishedAt', 'urgent'],
  fields: [
    {
      name: 'number',
      type: 'number',
      label: label('field.number'),
      unique: true,
      index: true,
      admin: { readOnly: true, position: 'sidebar', description: label('field.number.description') },
      access: { update: () => false },
    },
    { name: 'cover', type: 'upload', relationTo: 'media', label: label('field.cover') },
    summaryField,
    {
      name: 'articles',
      type: 'array',
      label: label('field.articles'),
      labels: { singular: label('field.article'), plural: label('field.articles') },
      minRows: 1,
      maxRows: 30,
      required: true,
      admin: { initCollapsed: false },
      fields: [
        { name: 'title', type: 'text', label: label('field.title'), required: true, maxLength: 120 },
        { name: 'author', type: 'text', label: label('field.author'), maxLength: 60 },
        summaryField,
        bodyField('body'),
      ],
    },
  ],
  hooks: { beforeValidate: [assignNumber] },
})
