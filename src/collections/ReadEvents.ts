import type { CollectionConfig } from 'payload'

import { nobody } from '../access'
import { label } from '../i18n/messages'

/**
 * Raw read events, written in batches by src/readership/buffer.ts, rolled up
 * into read-rollups by the rollup job and deleted after READ_RETENTION_DAYS.
 * No address and no subscriber id: `reader` is a per-content key (see
 * src/readership/tokens.ts), so events of two contents cannot be linked.
 *
 * - channel: email | webpush | share | site (how the reader came);
 * - kind: 'open' (email pixel: approximate, never a read) or 'read' (click,
 *   push click, page view);
 * - grid: the grid's id as text, '' when the read could not be attributed.
 */
export const READ_EVENT_KINDS = ['open', 'read'] as const
export type ReadEventKind = (typeof READ_EVENT_KINDS)[number]

export type ReadEventDoc = {
  id: string | number
  contentType: string
  contentId: string
  grid: string
  channel: 'email' | 'webpush' | 'share' | 'site' | 'sms'
  kind: ReadEventKind
  reader: string
  at: string
  /** A building share link's building code (issue 18), else absent. */
  building?: string | null
}

export const ReadEvents: CollectionConfig = {
  slug: 'read-events',
  labels: { singular: label('col.read-events.singular'), plural: label('col.read-events.plural') },
  admin: { hidden: true },
  access: { read: nobody, create: nobody, update: nobody, delete: nobody },
  lockDocuments: false,
  // `at` is the one time a row needs; Payload's createdAt/updatedAt would add two columns and two indexes to the hottest insert.
  timestamps: false,
  fields: [
    { name: 'contentType', type: 'text', required: true },
    { name: 'contentId', type: 'text', required: true },
    { name: 'grid', type: 'text' },
    { name: 'channel', type: 'text', required: true },
    { name: 'kind', type: 'text', required: true },
    { name: 'reader', type: 'text' },
    // When it happened (the rollup's day, in the street's time zone, comes from it); retention deletes by it.
    { name: 'at', type: 'date', required: true, index: true },
    // The building of a building share link's read (issue 18): the head's group, counted per building; null otherwise.
    { name: 'building', type: 'text' },
  ],
  indexes: [{ fields: ['contentType', 'contentId'] }],
}

/**
 * A resident's own reading history: only for residents who opted in to
 * personal statistics (consent 'statistics'), shown to them alone on their
 * preferences page, deleted when they withdraw the consent or are erased.
 * One row per subscriber and content (the first read).
 */
export type ReadingHistoryDoc = { id: string | number; subscriber: string; contentType: string; contentId: string; at: string }

export const ReadingHistory: CollectionConfig = {
  slug: 'reading-history',
  labels: { singular: label('col.reading-history.singular'), plural: label('col.reading-history.plural') },
  admin: { hidden: true },
  access: { read: nobody, create: nobody, update: nobody, delete: nobody },
  lockDocuments: false,
  fields: [
    { name: 'subscriber', type: 'text', required: true, index: true },
    { name: 'contentType', type: 'text', required: true },
    { name: 'contentId', type: 'text', required: true },
    { name: 'at', type: 'date', required: true },
  ],
  indexes: [{ fields: ['subscriber', 'contentType', 'contentId'], unique: true }],
}
