import type { CollectionConfig } from 'payload'

import { editorsOnly, nobody } from '../access'
import { label } from '../i18n/messages'
import { engineEndpoint } from '../jobs/nudge'

/**
 * Readership aggregates: what the dashboards read. Raw read events and the
 * per-content reader keys live elsewhere (src/readership/) and expire; these
 * rows stay.
 *
 * One rollup row per content × grid × channel × day (street time zone):
 * - grid: the grid's id as text, '' when the read could not be attributed;
 * - channel: email | webpush | share | site; 'all' for the figures of the
 *   content × grid across channels (a resident who reads through email and
 *   push is one reader there); 'messages' for those across email and web push
 *   only, the readers the read rate counts (share-link and site readers were
 *   never recipients); its submitted is the same as 'all''s. The column is
 *   free text, so a new value needs no migration;
 * - readers: readers first seen that day (so summing the days of one content
 *   × grid × channel gives its unique readers); opens/openReaders: email opens,
 *   approximate (mail proxies fetch images for everyone), never part of reads;
 * - submitted: recipients the channel accepted that day.
 *
 * Building rows (issue 18): channel 'building' with `building` set to the
 * building's code, one row per content × grid × building × day: readers
 * through that building's share link (reads carrying the building, opens
 * apart), a reader counted on the first day seen for that building. They
 * keep the per-building figures after the raw read events are deleted
 * (READ_RETENTION_DAYS). Every other row has no building; the grid figures
 * (rollupTotals) never include building rows.
 */
export const READ_CHANNELS = ['email', 'webpush', 'share', 'site', 'messages', 'all', 'sms', 'building'] as const
export type ReadChannel = (typeof READ_CHANNELS)[number]

export type ReadRollupDoc = {
  id: string | number
  key: string
  contentType: string
  contentId: string
  grid: string
  channel: ReadChannel
  /** A building's code on channel 'building' rows; absent on every other row. */
  building?: string | null
  day: string
  submitted: number
  opens: number
  openReaders: number
  reads: number
  readers: number
}

const count = (name: string) => ({ name, type: 'number' as const, required: true, defaultValue: 0, admin: { readOnly: true } })

export const ReadRollups: CollectionConfig = {
  slug: 'read-rollups',
  labels: { singular: label('col.read-rollups.singular'), plural: label('col.read-rollups.plural') },
  admin: { hidden: true },
  // Raw rows (exact small counts) for editors only; everyone else reads figures
  // through the dashboard, scoped by readRollupScope (src/access) with the small-group rule applied.
  access: { read: editorsOnly, create: nobody, update: nobody, delete: nobody },
  // The dashboard (src/readership/dashboard.ts): JSON and CSV, scoped by readRollupScope, small groups shown as "<3". Reached through the engine registry (src/jobs/nudge.ts).
  endpoints: [
    { path: '/dashboard', method: 'get', handler: engineEndpoint('dashboard') },
    { path: '/dashboard.csv', method: 'get', handler: engineEndpoint('dashboardCsv') },
  ],
  lockDocuments: false,
  fields: [
    // contentType:contentId:grid:channel:day (building rows: …:building:day:code) — the job upserts by it.
    { name: 'key', type: 'text', required: true, unique: true, index: true },
    { name: 'contentType', type: 'text', required: true },
    { name: 'contentId', type: 'text', required: true },
    { name: 'grid', type: 'text', index: true },
    { name: 'channel', type: 'text', required: true },
    // The building of a 'building' row (its code); null on every other row.
    { name: 'building', type: 'text' },
    { name: 'day', type: 'text', required: true, index: true },
    count('submitted'),
    count('opens'),
    count('openReaders'),
    count('reads'),
    count('readers'),
  ],
  indexes: [{ fields: ['contentType', 'contentId'] }],
}

/**
 * WeChat's own daily figures per mass-sent/published article (datacube,
 * aggregate only: WeChat followers carry no grid). One row per article per
 * day of statistics.
 */
export type WechatArticleStatDoc = {
  id: string | number
  key: string
  contentType: string
  contentId: string
  msgid: string
  refDate: string
  statDate: string
  title: string
  readUsers: number
  reads: number
  shareUsers: number
  shares: number
}

export const WechatArticleStats: CollectionConfig = {
  slug: 'wechat-article-stats',
  labels: { singular: label('col.wechat-article-stats.singular'), plural: label('col.wechat-article-stats.plural') },
  admin: { hidden: true },
  // Raw daily rows for editors; every staff member sees the summed figures in the dashboard (small-group rule applied).
  access: { read: editorsOnly, create: nobody, update: nobody, delete: nobody },
  lockDocuments: false,
  fields: [
    // msgid:statDate — the daily import upserts by it.
    { name: 'key', type: 'text', required: true, unique: true, index: true },
    { name: 'contentType', type: 'text', required: true },
    { name: 'contentId', type: 'text', required: true },
    { name: 'msgid', type: 'text', required: true },
    // The day the article went out (ref_date) and the day these figures are for.
    { name: 'refDate', type: 'text', required: true },
    { name: 'statDate', type: 'text', required: true },
    { name: 'title', type: 'text' },
    count('readUsers'),
    count('reads'),
    count('shareUsers'),
    count('shares'),
  ],
  indexes: [{ fields: ['contentType', 'contentId'] }],
}
