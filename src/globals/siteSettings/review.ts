import type { ArrayField, Field, PayloadRequest } from 'payload'

import { label, langOf, type MessageKey, t } from '../../i18n/messages'
import { CONTENT_SLUGS } from '../../model/content'
import { DEFAULT_STEP_NAMES, MAX_REVIEW_STEPS, REVIEW_STEP_ROLES } from '../../model/review'

/**
 * The review chain (审核流程) per content type: without `custom`, today's rules
 * (src/model/review.ts defaultChain); with it, 0 to 3 named steps, each done
 * by a role or by named staff members. A group per type, so a database that
 * never saved these fields gets the defaults rather than an empty chain.
 */
const stepsField = (slug: string): ArrayField => ({
  name: 'steps',
  type: 'array',
  label: label('review.settings.steps'),
  labels: { singular: label('review.settings.step'), plural: label('review.settings.steps') },
  maxRows: MAX_REVIEW_STEPS,
  admin: { condition: (_data, sibling) => Boolean(sibling?.custom), initCollapsed: false },
  // Grid announcements keep their leader → editor path as the first step.
  validate: (value: unknown, { req }: { req: PayloadRequest }) => {
    if (slug !== 'announcements' || !Array.isArray(value) || !value.length) return true
    const first = value[0] as { by?: string; role?: string }
    return (first.by ?? 'role') === 'role' && (first.role ?? 'editor') === 'editor' ? true : t('review.settings.announcementsFirst', langOf(req))
  },
  fields: [
    {
      type: 'row',
      fields: [
        { name: 'name', type: 'text', label: label('review.settings.stepName'), required: true, maxLength: 20, defaultValue: DEFAULT_STEP_NAMES[0] },
        {
          name: 'by',
          type: 'select',
          label: label('review.settings.by'),
          defaultValue: 'role',
          options: [
            { value: 'role', label: label('review.settings.by.role') },
            { value: 'users', label: label('review.settings.by.users') },
          ],
        },
        {
          name: 'role',
          type: 'select',
          label: label('field.role'),
          defaultValue: 'editor',
          options: REVIEW_STEP_ROLES.map((value) => ({ value, label: label(`role.${value}` as MessageKey) })),
          admin: { condition: (_data, sibling) => (sibling?.by ?? 'role') === 'role' },
        },
      ],
    },
    {
      name: 'users',
      type: 'relationship',
      relationTo: 'users',
      hasMany: true,
      label: label('review.settings.users'),
      filterOptions: { role: { in: ['admin', ...REVIEW_STEP_ROLES] } },
      admin: { condition: (_data, sibling) => sibling?.by === 'users' },
    },
  ],
})

const chainGroup = (slug: string): Field => ({
  name: slug,
  type: 'group',
  label: label(`col.${slug}.plural` as MessageKey),
  fields: [
    { name: 'custom', type: 'checkbox', label: label('review.settings.custom'), defaultValue: false, admin: { description: label(`review.settings.default.${slug}` as MessageKey) } },
    {
      name: 'editorsToo',
      type: 'checkbox',
      label: label('review.settings.editorsToo'),
      defaultValue: slug !== 'announcements',
      admin: { condition: (_data, sibling) => Boolean(sibling?.custom) },
    },
    stepsField(slug),
  ],
})

export const reviewSettingsFields: Field[] = [
  {
    name: 'reviewChains',
    type: 'group',
    label: label('review.settings.title'),
    admin: { description: label('review.settings.description') },
    fields: CONTENT_SLUGS.map(chainGroup),
  },
]
