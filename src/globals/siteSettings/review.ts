import type { ArrayField, Field, PayloadRequest } from 'payload'

import { label, langOf, type MessageKey, t } from '../../i18n/messages'
import { CONTENT_SLUGS } from '../../model/content'
import { idOf } from '../../access/roles'
import { DEFAULT_STEP_NAMES, MAX_REVIEW_STEPS, REVIEW_STEP_ROLES, type ReviewStep } from '../../model/review'

/**
 * The review chain (审核流程) per content type: without `custom`, today's rules
 * (src/model/review.ts defaultChain); with it, 0 to 3 named steps, each done
 * by a role or by named staff members. A group per type, so a database that
 * never saved these fields gets the defaults rather than an empty chain.
 */
/**
 * Does a step name community staff, by role or by name? They may only review
 * announcements: every other content type is street-wide (issues, policies;
 * events for the whole street) and read in the admin by editors and 审核领导
 * only, so such a step could never be taken.
 */
async function communityStaffStep(req: PayloadRequest, steps: ReviewStep[]): Promise<boolean> {
  if (steps.some((s) => (s.by ?? 'role') === 'role' && s.role === 'community-staff')) return true
  const named = steps.filter((s) => s.by === 'users').flatMap((s) => (s.users ?? []).map((u) => idOf(u as never))).filter((u) => u != null)
  if (!named.length) return false
  const { totalDocs } = await req.payload.count({ collection: 'users', where: { and: [{ id: { in: named } }, { role: { equals: 'community-staff' } }] }, overrideAccess: true, req })
  return totalDocs > 0
}

const stepsField = (slug: string): ArrayField => ({
  name: 'steps',
  type: 'array',
  label: label('review.settings.steps'),
  labels: { singular: label('review.settings.step'), plural: label('review.settings.steps') },
  maxRows: MAX_REVIEW_STEPS,
  admin: { condition: (_data, sibling) => Boolean(sibling?.custom), initCollapsed: false },
  validate: async (value: unknown, { req }: { req: PayloadRequest }) => {
    if (!Array.isArray(value) || !value.length) return true
    // Grid announcements keep their leader → editor path as the first step.
    if (slug === 'announcements') {
      const first = value[0] as { by?: string; role?: string }
      return (first.by ?? 'role') === 'role' && (first.role ?? 'editor') === 'editor' ? true : t('review.settings.announcementsFirst', langOf(req))
    }
    // Community staff read and review only their community's announcements (docs/review.md).
    return (await communityStaffStep(req, value as ReviewStep[]))
      ? t('review.settings.communityStaffOnlyAnnouncements', langOf(req), { type: t(`col.${slug}.plural` as MessageKey, langOf(req)) })
      : true
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
