import type { Payload, Where } from 'payload'

import type { ContentSlug } from '../model/content'
import { cached } from '../site/cache'
import type { MediaDoc } from '../templates/html'
import { unpopulatedMediaIds } from '../templates/richText'
import type {
  AnnouncementDoc,
  EventDoc,
  GridDoc,
  Id,
  IssueDoc,
  PolicyDoc,
  Section,
  SiteChrome,
} from '../templates/site/types'

/**
 * What the resident pages read. Residents are anonymous and content access is
 * for staff, so these queries override access and instead ask, every time, for
 * the published main document only (never a draft or a version).
 */

const PUBLISHED: Where = { _status: { equals: 'published' } }
/** Urgent content stays on top of the home page, and in the urgent banner, this long after publication: then it has expired. */
export const URGENT_DAYS = 7
const LIST_LIMIT = 200

export type Lookup<T> = { state: 'published'; doc: T } | { state: 'withdrawn' } | { state: 'missing' }

type AnyDoc = { id: Id; _status?: string | null; withdrawnAt?: string | null }

/** A main document as the public sees it: published, withdrawn (a notice), or nothing. */
function verdict<T>(doc: AnyDoc | undefined | null): Lookup<T> {
  if (!doc) return { state: 'missing' }
  if (doc._status === 'published') return { state: 'published', doc: doc as T }
  if (doc.withdrawnAt) return { state: 'withdrawn' }
  return { state: 'missing' }
}

/** The site settings through the page cache: read on every page, changed rarely (a save drops every entry). */
export const cachedSettings = (payload: Payload): Promise<SiteChrome> => cached('settings', () => loadSettings(payload), { tags: ['site-settings'] })

/** The site's name, contacts and filing numbers, with sensible defaults on an empty install. */
export async function loadSettings(payload: Payload): Promise<SiteChrome> {
  const s = (await payload.findGlobal({ slug: 'site-settings', depth: 1, overrideAccess: true })) as Partial<SiteChrome>
  return {
    streetName: s.streetName || '街道',
    periodicalName: s.periodicalName || '街道资讯',
    logo: s.logo ?? null,
    hotline: s.hotline ?? null,
    wechatName: s.wechatName ?? null,
    wechatQr: s.wechatQr ?? null,
    wechatJsSdk: s.wechatJsSdk ?? false,
    footerText: s.footerText ?? null,
    icp: s.icp ?? null,
    psb: s.psb ?? null,
  }
}

// The review group may populate a staff user; the pages never need it.
const NO_REVIEW = { review: false } as const

export async function findIssueByNumber(payload: Payload, number: number): Promise<Lookup<IssueDoc>> {
  const { docs } = await payload.find({
    collection: 'issues',
    where: { number: { equals: number } },
    limit: 1,
    depth: 1,
    draft: false,
    overrideAccess: true,
    select: NO_REVIEW,
  })
  return verdict<IssueDoc>(docs[0] as unknown as AnyDoc)
}

export async function findContent<T>(payload: Payload, collection: ContentSlug, id: Id): Promise<Lookup<T>> {
  const doc = await payload.findByID({
    collection,
    id,
    depth: 1,
    draft: false,
    overrideAccess: true,
    disableErrors: true,
    select: NO_REVIEW,
  })
  return verdict<T>(doc as unknown as AnyDoc | null)
}

/** Media for rich-text uploads that came back as bare ids, loaded in one query. */
export async function mediaFor(payload: Payload, values: unknown[]): Promise<Map<string, MediaDoc>> {
  const ids = [...new Set(values.flatMap((v) => unpopulatedMediaIds(v)).map(String))]
  const map = new Map<string, MediaDoc>()
  if (!ids.length) return map
  const { docs } = await payload.find({
    collection: 'media',
    where: { id: { in: ids } },
    limit: ids.length,
    depth: 0,
    overrideAccess: true,
  })
  for (const m of docs as unknown as MediaDoc[]) map.set(String(m.id), m)
  return map
}

/** Every rich-text value a page of this content renders. */
export function richValues(collection: ContentSlug, doc: Record<string, unknown>): unknown[] {
  if (collection === 'issues') return ((doc.articles as { body?: unknown }[] | undefined) ?? []).map((a) => a.body)
  return [doc.body]
}

const startOfToday = () => {
  const d = new Date()
  d.setHours(0, 0, 0, 0)
  return d.toISOString()
}

const listSelect = { title: true, summary: true, urgent: true, publishedAt: true, updatedAt: true } as const

export async function latestIssue(payload: Payload): Promise<IssueDoc | null> {
  const { docs } = await payload.find({
    collection: 'issues',
    where: PUBLISHED,
    sort: '-number',
    limit: 1,
    depth: 1,
    overrideAccess: true,
    select: { ...listSelect, number: true, cover: true, articles: { title: true } },
  })
  return (docs[0] as unknown as IssueDoc) ?? null
}

export async function listIssues(payload: Payload, limit = 500): Promise<IssueDoc[]> {
  const { docs } = await payload.find({
    collection: 'issues',
    where: PUBLISHED,
    sort: '-number',
    limit,
    depth: 0,
    overrideAccess: true,
    select: { ...listSelect, number: true },
  })
  return docs as unknown as IssueDoc[]
}

/** Upcoming events first (soonest first), then the most recent past ones. */
export async function listEvents(payload: Payload, limit: number, extra?: Where): Promise<EventDoc[]> {
  const today = startOfToday()
  const select = { ...listSelect, startsAt: true, endsAt: true, location: true } as const
  const base = extra ? [PUBLISHED, extra] : [PUBLISHED]
  const upcoming = await payload.find({
    collection: 'events',
    where: { and: [...base, { startsAt: { greater_than_equal: today } }] },
    sort: 'startsAt',
    limit,
    depth: 0,
    overrideAccess: true,
    select,
  })
  const docs = upcoming.docs as unknown as EventDoc[]
  if (docs.length < limit) {
    const past = await payload.find({
      collection: 'events',
      where: { and: [...base, { startsAt: { less_than: today } }] },
      sort: '-startsAt',
      limit: limit - docs.length,
      depth: 0,
      overrideAccess: true,
      select,
    })
    docs.push(...(past.docs as unknown as EventDoc[]))
  }
  return docs
}

export async function listPolicies(payload: Payload, limit: number): Promise<PolicyDoc[]> {
  const { docs } = await payload.find({
    collection: 'policies',
    where: PUBLISHED,
    sort: '-publishedAt',
    limit,
    depth: 0,
    overrideAccess: true,
    select: { ...listSelect, issuingBody: true },
  })
  return docs as unknown as PolicyDoc[]
}

/** Street-wide urgent content of the last days (grid announcements stay on their grids' pages). */
export async function listUrgent(payload: Payload): Promise<Section[]> {
  const since = new Date(Date.now() - URGENT_DAYS * 86400_000).toISOString()
  const where: Where = { and: [PUBLISHED, { urgent: { equals: true } }, { publishedAt: { greater_than_equal: since } }] }
  const kinds = ['issues', 'events', 'policies'] as const
  const found = await Promise.all(
    kinds.map((kind) =>
      payload
        .find({
          collection: kind,
          where,
          sort: '-publishedAt',
          limit: 5,
          depth: 0,
          overrideAccess: true,
          select: { ...listSelect, ...(kind === 'issues' ? { number: true } : {}) },
        })
        .then((r) => r.docs.map((doc) => ({ kind, doc }) as unknown as Section)),
    ),
  )
  return found.flat().sort((a, b) => String(b.doc.publishedAt ?? '').localeCompare(String(a.doc.publishedAt ?? '')))
}

export async function findGridByCode(payload: Payload, code: string): Promise<GridDoc | null> {
  const { docs } = await payload.find({
    collection: 'grids',
    where: { code: { equals: code } },
    limit: 1,
    depth: 1,
    overrideAccess: true,
    select: { code: true, name: true, community: true, households: true },
  })
  return (docs[0] as unknown as GridDoc) ?? null
}

export async function gridAnnouncements(payload: Payload, gridId: Id, limit = 50): Promise<AnnouncementDoc[]> {
  const { docs } = await payload.find({
    collection: 'announcements',
    where: { and: [PUBLISHED, { grids: { in: [gridId] } }] },
    sort: '-publishedAt',
    limit,
    depth: 0,
    overrideAccess: true,
    select: listSelect,
  })
  return docs as unknown as AnnouncementDoc[]
}

/** Published urgent grid announcements that have not expired (URGENT_DAYS), newest first, with the ids of their grids. */
export async function urgentGridAnnouncements(payload: Payload, limit = 100): Promise<AnnouncementDoc[]> {
  const since = new Date(Date.now() - URGENT_DAYS * 86400_000).toISOString()
  const { docs } = await payload.find({
    collection: 'announcements',
    where: { and: [PUBLISHED, { urgent: { equals: true } }, { publishedAt: { greater_than_equal: since } }] },
    sort: '-publishedAt',
    limit,
    depth: 0,
    overrideAccess: true,
    select: { ...listSelect, grids: true },
  })
  return docs as unknown as AnnouncementDoc[]
}

/** A grid leader as residents see them: the name, and the work phone only when they chose to show it. */
export type GridLeader = { name: string; workPhone: string | null }

/** The grid leaders of a grid (the binding is on the staff account: users.grids). */
export async function gridLeaders(payload: Payload, gridId: Id): Promise<GridLeader[]> {
  const { docs } = await payload.find({
    collection: 'users',
    where: { and: [{ role: { equals: 'grid-leader' } }, { grids: { in: [gridId] } }] },
    sort: 'name',
    limit: 10,
    depth: 0,
    overrideAccess: true,
    select: { name: true, workPhone: true, showWorkPhone: true },
  })
  return (docs as unknown as { name?: string | null; workPhone?: string | null; showWorkPhone?: boolean | null }[]).map((u) => ({
    name: u.name ?? '',
    // Not shown unless the leader ticked it: the number never leaves this function otherwise.
    workPhone: u.showWorkPhone && u.workPhone?.trim() ? u.workPhone.trim() : null,
  }))
}

export const LIMITS = { list: LIST_LIMIT }
