import type { Field, GroupField } from 'payload'

import { label } from '../i18n/messages'
import { REVIEW_HISTORY_ACTIONS, REVIEW_STATES } from '../model/review'
import { dateTimePicker } from './dates'
import { contentEditor } from './richText'

/**
 * A recorded decision to publish despite serious findings of the pre-publish
 * checks (src/hooks/checksGate.ts): the reason comes from the request, who and
 * when are set by the server, and which findings it covers (hashed) too.
 * Policy documents carry it too, to save a file past personal information in
 * its text (src/collections/PolicyDocuments.ts, src/hooks/documentFileChecks.ts).
 */
export const checksOverrideField: GroupField = {
  name: 'checksOverride',
  type: 'group',
  label: label('field.checksOverride'),
  admin: {
    position: 'sidebar',
    description: label('field.checksOverride.description'),
    // Only those who may override see it (admins, editors); the server enforces who may set it.
    condition: (_data, _sibling, { user }) => ['admin', 'editor'].includes(String((user as { role?: string } | null)?.role)),
  },
  fields: [
    { name: 'reason', type: 'textarea', label: label('field.checksOverride.reason'), maxLength: 500 },
    // Who, by name as the audit log names them (the log keeps the account too): text, so the content tables gain no foreign key.
    { name: 'by', type: 'text', label: label('field.checksOverride.by'), maxLength: 200, admin: { readOnly: true } },
    { name: 'at', type: 'date', label: label('field.checksOverride.at'), admin: { readOnly: true, date: dateTimePicker } },
    { name: 'covers', type: 'text', admin: { hidden: true } },
  ],
}

export { REVIEW_STATES, type ReviewState } from '../model/review'

export const titleField: Field = {
  name: 'title',
  type: 'text',
  label: label('field.title'),
  required: true,
  maxLength: 120,
}

export const summaryField: Field = {
  name: 'summary',
  type: 'textarea',
  label: label('field.summary'),
  maxLength: 300,
  admin: { description: label('field.summary.description') },
}

export const bodyField = (name = 'body', required = true): Field => ({
  name,
  type: 'richText',
  label: label('field.body'),
  required,
  editor: contentEditor,
})

/**
 * Fields every content type carries in its sidebar: urgency, publication
 * dates kept by hooks, and the review (审核) state.
 */
export const contentSidebarFields: Field[] = [
  {
    name: 'urgent',
    type: 'checkbox',
    label: label('field.urgent'),
    defaultValue: false,
    index: true,
    admin: { position: 'sidebar', description: label('field.urgent.description') },
  },
  {
    name: 'publishedAt',
    type: 'date',
    label: label('field.publishDate'),
    index: true,
    admin: { position: 'sidebar', date: dateTimePicker },
  },
  {
    name: 'withdrawnAt',
    type: 'date',
    label: label('field.withdrawnAt'),
    admin: { position: 'sidebar', readOnly: true, date: dateTimePicker, condition: (data) => Boolean(data?.withdrawnAt) },
  },
  // 审核: the current step, the history and the buttons this user may press (src/components/ReviewPanel.tsx).
  {
    name: 'reviewPanel',
    type: 'ui',
    label: label('field.review'),
    admin: { position: 'sidebar', components: { Field: '/components/ReviewPanel#ReviewPanel' } },
  },
  {
    name: 'review',
    type: 'group',
    label: label('field.review'),
    // Drawn by the review panel; moved only by the review actions (src/review/), checked by src/hooks/review.ts.
    admin: { position: 'sidebar', hidden: true },
    fields: [
      {
        name: 'status',
        type: 'select',
        label: label('field.reviewStatus'),
        defaultValue: 'none',
        index: true,
        // Not `required`: that would make GraphQL demand a review input on every
        // create and update; the review hook fills in 'none' when it is missing.
        options: REVIEW_STATES.map((value) => ({ value, label: label(`review.${value}`) })),
      },
      // The current step (0-based) of the chain while pending.
      { name: 'step', type: 'number', label: label('review.field.step'), defaultValue: 0, min: 0, index: true },
      { name: 'comment', type: 'textarea', label: label('field.reviewComment'), maxLength: 1000 },
      // Who submitted (a user id as text: no foreign key from content to staff).
      { name: 'submittedBy', type: 'text', admin: { readOnly: true } },
      {
        name: 'reviewedBy',
        type: 'relationship',
        relationTo: 'users',
        label: label('field.reviewedBy'),
        admin: { readOnly: true },
      },
      // Fingerprint of the content as last approved: a later change voids the approvals.
      { name: 'approvedHash', type: 'text', admin: { hidden: true } },
      {
        name: 'history',
        type: 'array',
        label: label('review.field.history'),
        admin: { readOnly: true },
        fields: [
          { name: 'step', type: 'number' },
          { name: 'stepName', type: 'text' },
          { name: 'action', type: 'select', options: REVIEW_HISTORY_ACTIONS.map((value) => ({ value, label: label(`review.action.${value}`) })) },
          { name: 'user', type: 'text' },
          { name: 'userName', type: 'text' },
          { name: 'at', type: 'date' },
          { name: 'comment', type: 'textarea' },
        ],
      },
    ],
  },
]
