import type { Access, CollectionAfterChangeHook, CollectionBeforeValidateHook, CollectionConfig } from 'payload'
import { ValidationError } from 'payload'

import { editorsOnly, type Id, idOf, isEditor, isGridScoped, sameId, scopedGridIds } from '../access'
import { audit } from '../hooks/audit'
import { engineEndpoint } from '../jobs/nudge'
import { label, langOf, t } from '../i18n/messages'

/**
 * A grid leader's own offline reach for one content (issue 18): households
 * told at the door (D), by phone (P), posters put up. One row per content ×
 * grid; each household count at most the grid's households (coverage.ts
 * counts D and P as distinct households of the grid). Editable by that grid's
 * leader and by editors, every save audited; read by them and by the grid's
 * community staff. The leaders' building list has its form
 * (src/components/RelayLeaderView.tsx).
 */
const leaderOfGrid = async (req: Parameters<Access>[0]['req'], grid: unknown) => {
  if (req.user?.role !== 'grid-leader') return false
  const id = idOf(grid as Id)
  return id != null && (await scopedGridIds(req)).some((g) => sameId(g, id))
}

const readAccess: Access = async ({ req }) => {
  if (isEditor(req.user)) return true
  if (!isGridScoped(req.user)) return false
  return { grid: { in: await scopedGridIds(req) } }
}

const writeAccess: Access = async ({ req, id, data }) => {
  if (isEditor(req.user)) return true
  if (req.user?.role !== 'grid-leader') return false
  if (id != null) {
    const doc = await req.payload.findByID({ collection: 'offline-reach', id: id as Id, depth: 0, overrideAccess: true, disableErrors: true, req })
    if (!doc || !(await leaderOfGrid(req, (doc as { grid?: unknown }).grid))) return false
  }
  return data?.grid === undefined || leaderOfGrid(req, data.grid)
}

const COUNTS = ['doorHouseholds', 'phoneHouseholds'] as const

/** D and P at most the grid's households; posters a plain count. */
const bounded: CollectionBeforeValidateHook = async ({ data, originalDoc, req }) => {
  const grid = idOf((data?.grid ?? originalDoc?.grid) as Id)
  if (grid == null) return data
  const doc = (await req.payload.findByID({ collection: 'grids', id: grid, depth: 0, overrideAccess: true, disableErrors: true, req, select: { households: true } })) as { households?: number } | null
  const max = doc?.households ?? 0
  const errors = COUNTS.filter((f) => {
    const v = data?.[f]
    return v != null && (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max)
  }).map((path) => ({ path, message: t('relayLeaders.error.households', langOf(req), { max }) }))
  if (errors.length) throw new ValidationError({ collection: 'offline-reach', errors })
  return data
}

const audited: CollectionAfterChangeHook = async ({ doc, previousDoc, req, operation }) => {
  const figures = (d: Record<string, unknown> | undefined) => `D ${d?.doorHouseholds ?? 0} · P ${d?.phoneHouseholds ?? 0} · ${t('relayLeaders.col.posters', 'zh')} ${d?.posters ?? 0}`
  const detail = operation === 'update' ? `${figures(previousDoc)} → ${figures(doc)}` : figures(doc)
  await audit(req, 'offline-reach', { collection: 'offline-reach', id: doc.id, title: `${doc.contentType}:${doc.contentId} · ${String(idOf(doc.grid) ?? '')}` }, detail)
  return doc
}

export const OfflineReach: CollectionConfig = {
  slug: 'offline-reach',
  labels: { singular: label('col.offline-reach.singular'), plural: label('col.offline-reach.plural') },
  admin: { hidden: true },
  access: { read: readAccess, create: writeAccess, update: writeAccess, delete: editorsOnly },
  lockDocuments: false,
  hooks: { beforeValidate: [bounded], afterChange: [audited] },
  // GET /api/offline-reach/buildings, POST /api/offline-reach/log, GET /api/offline-reach/report(.csv): relayEndpoints.ts.
  endpoints: [
    { path: '/buildings', method: 'get', handler: engineEndpoint('relayBuildings') },
    { path: '/report', method: 'get', handler: engineEndpoint('relayReport') },
    { path: '/report.csv', method: 'get', handler: engineEndpoint('relayReportCsv') },
    { path: '/log', method: 'post', handler: engineEndpoint('relayLog') },
  ],
  fields: [
    { name: 'contentType', type: 'text', required: true },
    { name: 'contentId', type: 'text', required: true },
    { name: 'grid', type: 'relationship', relationTo: 'grids', required: true, index: true },
    { name: 'doorHouseholds', type: 'number', label: label('relayLeaders.col.leaderDoors'), min: 0, defaultValue: 0 },
    { name: 'phoneHouseholds', type: 'number', label: label('relayLeaders.col.leaderPhone'), min: 0, defaultValue: 0 },
    { name: 'posters', type: 'number', label: label('relayLeaders.col.posters'), min: 0, defaultValue: 0 },
  ],
  indexes: [{ fields: ['contentType', 'contentId', 'grid'], unique: true }],
}
