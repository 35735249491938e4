import type { Access, CollectionConfig, Field } from 'payload'

import { tellHeadsOnPublish } from '../hooks/relayHeads'
import { contentReaders, editorsOnly, isEditor, readsAllContent } from '../access'
import { publishChoiceFields } from '../fields/audience'
import { checksOverrideField, contentSidebarFields, titleField } from '../fields/content'
import { publicContactsField } from '../fields/publicContacts'
import { auditChecksOverride, checksGate } from '../hooks/checksGate'
import { recordCheckFindings } from '../hooks/checkRecords'
import { recordLifecycle, rememberPublication, reviewAndPublishGate } from '../hooks/contentLifecycle'
import { deliveriesOnDelete, deliveriesOnPublish } from '../hooks/deliveries'
import { takeNoticeRequest } from '../hooks/notices'
import { invalidatePagesOnDelete, invalidatePagesOnSave } from '../hooks/pageCache'
import { relationsExist } from '../hooks/relations'
import { label, type MessageKey } from '../i18n/messages'
import { publicUrl } from '../server/env'
import { audienceEndpoints } from './contentAudience'
import { checksEndpoints } from './contentChecks'
import { previewsEndpoints } from './contentPreviews'
import { reviewEndpoints } from './contentReview'

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

/**
 * 发送预览 below the fields: the email, push and WeChat article as residents
 * get them, drawn by src/components/PreviewsPanel.tsx from GET /api/<collection>/previews.
 */
const previewsPanel: Field = {
  name: 'previewsPanel',
  type: 'ui',
  label: label('previews.panel.title'),
  admin: { components: { Field: '/components/PreviewsPanel#PreviewsPanel' } },
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
      // Review-only leaders (审核领导) see every content type to review it; grid staff only theirs.
      hidden: forGridStaff ? false : ({ user }) => !readsAllContent(user),
      preview: (doc) => (doc?.id ? `${publicUrl()}/preview/${slug}/${doc.id}` : null),
      // Payload's button; its schedule drawer opens on 发布 for content that is not published.
      components: { edit: { PublishButton: '/components/PublishButton#PublishButton' } },
    },
    defaultSort: '-updatedAt',
    // POST /api/<collection>/checks, GET/POST /api/<collection>/:id/review (the review actions), GET /api/<collection>/previews, the audience and notices.
    endpoints: [...checksEndpoints(slug), ...reviewEndpoints(slug), ...previewsEndpoints(slug), ...audienceEndpoints],
    // Hot path: the reading site lists published content newest first.
    indexes: [{ fields: ['_status', 'publishedAt'] }],
    access: {
      read: contentReaders,
      // Not the read access by default: on versions a filter's paths start with `version.`.
      readVersions: contentReaders,
      create: editorsOnly,
      update: editorsOnly,
      delete: editorsOnly,
      ...access,
    },
    versions: {
      maxPerDoc: 50,
      drafts: { schedulePublish: true, validate: false },
    },
    fields: [titleField, ...fields, checksPanel, publicContactsField, ...contentSidebarFields, checksOverrideField, ...publishChoiceFields(slug), previewsPanel, deliveriesPanel],
    hooks: {
      ...hooks,
      beforeChange: [relationsExist, ...(hooks?.beforeChange ?? []), rememberPublication, takeNoticeRequest, reviewAndPublishGate, checksGate],
      afterChange: [...(hooks?.afterChange ?? []), recordLifecycle, auditChecksOverride, recordCheckFindings, deliveriesOnPublish, tellHeadsOnPublish, invalidatePagesOnSave],
      afterDelete: [...(hooks?.afterDelete ?? []), deliveriesOnDelete, invalidatePagesOnDelete],
    },
  }
}
