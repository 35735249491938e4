import type { Access, CollectionConfig, Field } from 'payload'

import { editorsOnly, isEditor } from '../access'
import { publishChoiceFields } from '../fields/audience'
import { checksOverrideField, contentSidebarFields, titleField } from '../fields/content'
import { auditChecksOverride, checksGate } from '../hooks/checksGate'
import { recordLifecycle, rememberPublication, reviewAndPublishGate } from '../hooks/contentLifecycle'
import { deliveriesOnDelete, deliveriesOnPublish } from '../hooks/deliveries'
import { takeNoticeRequest } from '../hooks/notices'
import { invalidatePagesOnDelete, invalidatePagesOnSave } from '../hooks/pageCache'
import { relationsExist } from '../hooks/relations'
import { label, type MessageKey } from '../i18n/messages'
import { publicUrl } from '../server/env'
import { audienceEndpoints } from './contentAudience'
import { checksEndpoints } from './contentChecks'

/**
 * The content's deliveries, with their controls and the test-send, below the
 * fields: a UI field (no column), drawn by src/components/DeliveriesPanel.tsx.
 */
const deliveriesPanel: Field = {
  name: 'deliveriesPanel',
  type: 'ui',
  label: label('panel.title'),
  admin: { components: { Field: '/components/DeliveriesPanel' } },
}

/**
 * 发布前检查 in the sidebar: the pre-publish checks' findings with 一键脱敏,
 * drawn by src/components/ChecksPanel.tsx from POST /api/<collection>/checks.
 */
const checksPanel: Field = {
  name: 'checksPanel',
  type: 'ui',
  label: label('checks.panel.title'),
  admin: { position: 'sidebar', components: { Field: '/components/ChecksPanel#ChecksPanel' } },
}

export { CONTENT_SLUGS, type ContentSlug } from '../model/content'
import type { ContentSlug } from '../model/content'

type Options = {
  slug: ContentSlug
  fields: Field[]
  defaultColumns?: string[]
  access?: Partial<Record<'read' | 'readVersions' | 'create' | 'update' | 'delete', Access>>
  hooks?: CollectionConfig['hooks']
  /** Shown to staff outside the editors (grid leaders, community staff)? */
  forGridStaff?: boolean
}

/**
 * Every content type shares drafts with versions, scheduled publishing, the
 * exact resident page as preview, the review state and the publication gate.
 */
export function contentCollection({ slug, fields, defaultColumns, access, hooks, forGridStaff }: Options): CollectionConfig {
  return {
    slug,
    labels: {
      singular: label(`col.${slug}.singular` as MessageKey),
      plural: label(`col.${slug}.plural` as MessageKey),
    },
    admin: {
      useAsTitle: 'title',
      group: label('group.content'),
      defaultColumns: defaultColumns ?? ['title', '_status', 'publishedAt', 'urgent'],
      hidden: forGridStaff ? false : ({ user }) => !isEditor(user),
      preview: (doc) => (doc?.id ? `${publicUrl()}/preview/${slug}/${doc.id}` : null),
      // Payload's button; its schedule drawer opens on 发布 for content that is not published.
      components: { edit: { PublishButton: '/components/PublishButton#PublishButton' } },
    },
    defaultSort: '-updatedAt',
    endpoints: [...checksEndpoints(slug), ...audienceEndpoints],
    // Hot path: the reading site lists published content newest first.
    indexes: [{ fields: ['_status', 'publishedAt'] }],
    access: {
      read: editorsOnly,
      // Not the read access by default: on versions a filter's paths start with `version.`.
      readVersions: editorsOnly,
      create: editorsOnly,
      update: editorsOnly,
      delete: editorsOnly,
      ...access,
    },
    versions: {
      maxPerDoc: 50,
      drafts: { schedulePublish: true, validate: false },
    },
    fields: [titleField, ...fields, checksPanel, ...contentSidebarFields, checksOverrideField, ...publishChoiceFields(slug), deliveriesPanel],
    hooks: {
      ...hooks,
      beforeChange: [relationsExist, ...(hooks?.beforeChange ?? []), rememberPublication, takeNoticeRequest, reviewAndPublishGate, checksGate],
      afterChange: [...(hooks?.afterChange ?? []), recordLifecycle, auditChecksOverride, deliveriesOnPublish, invalidatePagesOnSave],
      afterDelete: [...(hooks?.afterDelete ?? []), deliveriesOnDelete, invalidatePagesOnDelete],
    },
  }
}
