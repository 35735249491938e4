import type { Payload } from 'payload'

import type { Id } from '../model/ids'

/**
 * What was published when, per column, for the freshness watch and the
 * inspection report. A column is one content type (periodical issues, event
 * notices, policy explainers), one grid's announcements, or the WeChat
 * account, whose articles are counted apart: published only (freepublish,
 * on the account's page, nobody notified) and mass-sent (群发, followers
 * notified). Both show on the account's page.
 */
export const STREET_COLUMNS = ['issues', 'events', 'policies'] as const
export type StreetColumn = (typeof STREET_COLUMNS)[number]

export type GridRef = { id: Id; code: string; name: string }

/** One publication: a content's (first) publication, or a WeChat article published or mass-sent. */
export type Publication = { at: string; collection: string; id: Id; title: string; grids?: string[] }

export type WechatPublication = Publication & { mass: boolean; deliveryId: Id }

type ContentRow = { id: Id; title?: string | null; publishedAt?: string | null; grids?: (Id | { id: Id })[] | null; _status?: string | null; withdrawnAt?: string | null }

const idOf = (v: Id | { id: Id }) => String(typeof v === 'object' && v !== null ? v.id : v)

/** Every grid, by code. */
export async function allGrids(payload: Payload): Promise<GridRef[]> {
  const { docs } = await payload.find({ collection: 'grids', sort: 'code', limit: 0, pagination: false, depth: 0, overrideAccess: true, select: { code: true, name: true } })
  return (docs as unknown as GridRef[]).map((g) => ({ id: g.id, code: g.code, name: g.name }))
}

/** The newest publication of a content type that is on the site now (optionally: of one grid), up to `now`. */
export async function latestPublished(payload: Payload, collection: StreetColumn | 'announcements', now: Date, gridId?: Id): Promise<Publication | null> {
  const and: Record<string, unknown>[] = [{ _status: { equals: 'published' } }, { publishedAt: { less_than_equal: now.toISOString() } }]
  if (gridId != null) and.push({ grids: { equals: gridId } })
  const { docs } = await payload.find({
    collection,
    where: { and } as never,
    sort: '-publishedAt',
    limit: 1,
    depth: 0,
    overrideAccess: true,
    select: { title: true, publishedAt: true },
  })
  const d = docs[0] as unknown as ContentRow | undefined
  return d?.publishedAt ? { at: d.publishedAt, collection, id: d.id, title: d.title ?? '' } : null
}

/**
 * Contents first published in [from, to): those on the site now and those
 * withdrawn since (they were published all the same), oldest first.
 */
export async function publishedBetween(payload: Payload, collection: StreetColumn | 'announcements', from: Date, to: Date): Promise<Publication[]> {
  const { docs } = await payload.find({
    collection,
    where: { and: [{ publishedAt: { greater_than_equal: from.toISOString() } }, { publishedAt: { less_than: to.toISOString() } }] } as never,
    sort: 'publishedAt',
    limit: 0,
    pagination: false,
    depth: 0,
    overrideAccess: true,
    select: collection === 'announcements' ? { title: true, publishedAt: true, grids: true, _status: true, withdrawnAt: true } : { title: true, publishedAt: true, _status: true, withdrawnAt: true },
  })
  return (docs as unknown as ContentRow[])
    // A draft that has a publication date but was never published (a date typed ahead) is no publication.
    .filter((d) => d.publishedAt && (d._status === 'published' || d.withdrawnAt))
    .map((d) => ({ at: d.publishedAt!, collection, id: d.id, title: d.title ?? '', ...(d.grids ? { grids: d.grids.map(idOf) } : {}) }))
}

type DeliveryRow = {
  id: Id
  contentType?: string
  contentId?: string
  title?: string | null
  status?: string
  finishedAt?: string | null
  wechat?: { stage?: string; deleted?: boolean; massSend?: { status?: string; requestedAt?: string } } | null
}

/** The WeChat deliveries kept for the watch and the report: the newest this many. */
const WECHAT_LIMIT = 2000

/**
 * Articles on the WeChat account, newest first: each published delivery once,
 * as mass-sent (at the mass send) or published only (at its publication). An
 * article retracted since is no longer on the account's page and is left out.
 */
export async function wechatPublications(payload: Payload): Promise<WechatPublication[]> {
  const { docs } = await payload.find({
    collection: 'deliveries',
    where: { channel: { equals: 'wechat' } },
    sort: '-createdAt',
    limit: WECHAT_LIMIT,
    depth: 0,
    overrideAccess: true,
    select: { contentType: true, contentId: true, title: true, status: true, finishedAt: true, wechat: true },
  })
  const out: WechatPublication[] = []
  for (const d of docs as unknown as DeliveryRow[]) {
    const w = d.wechat ?? {}
    if (w.stage !== 'published' || w.deleted) continue
    const base = { collection: d.contentType ?? '', id: d.contentId ?? '', title: d.title ?? '', deliveryId: d.id }
    if (w.massSend?.status === 'sent' && w.massSend.requestedAt) out.push({ ...base, at: w.massSend.requestedAt, mass: true })
    else if (d.finishedAt) out.push({ ...base, at: d.finishedAt, mass: false })
  }
  return out.sort((a, b) => b.at.localeCompare(a.at))
}
