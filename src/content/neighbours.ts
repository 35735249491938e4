import type { Payload, Where } from 'payload'

import type { ContentSlug } from '../model/content'
import type { Id } from '../model/ids'
import type { Neighbour, Neighbours } from '../templates/site/reading'

/**
 * Previous and next content of the same type for a resident page: published
 * only; issues by number, the others by publication time (ties broken by id);
 * an announcement's neighbours are those of its own grids (an announcement
 * reaches its grids only, so it never leads to another grid's).
 */

export type { Neighbour, Neighbours }

/**
 * The page-cache tag of a type's order: pages showing neighbours carry it, and
 * a publication, withdrawal, deletion or a change of publication time (or of
 * an announcement's grids) drops it (src/hooks/pageCache.ts). A neighbour's
 * own correction (its title) drops its document tag, which those pages carry too.
 */
export const orderTag = (collection: string) => `order:${collection}`

const PUBLISHED: Where = { _status: { equals: 'published' } }
/** Candidates fetched on each side: enough to step over documents published in the same millisecond. */
const TIES = 10

type Row = { id: Id; title?: string | null; number?: number | null; publishedAt?: string | Date | null }
type Self = { id: Id; number?: number | null; publishedAt?: string | null; grids?: unknown[] | null }

const idOf = (v: unknown): Id | null =>
  typeof v === 'string' || typeof v === 'number' ? v : v && typeof v === 'object' && 'id' in v ? ((v as { id: Id }).id ?? null) : null
const time = (v: unknown) => (v ? new Date(v as string).getTime() : NaN)
/** Ids in creation order: numbers as numbers, ObjectIds (hex, time first) as text. */
const compareIds = (a: Id, b: Id) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b)))
const pick = (r: Row | undefined): Neighbour | null => (r ? { id: r.id, title: r.title ?? '', ...(r.number != null ? { number: r.number } : {}) } : null)

export async function findNeighbours(payload: Payload, collection: ContentSlug, self: Self): Promise<Neighbours> {
  const find = (where: Where[], sort: string, limit: number) =>
    payload
      .find({
        collection,
        where: { and: [PUBLISHED, { id: { not_equals: self.id } }, ...where] },
        sort,
        limit,
        depth: 0,
        overrideAccess: true,
        select: { title: true, number: true, publishedAt: true },
      })
      .then((r) => r.docs as unknown as Row[])

  if (collection === 'issues') {
    if (typeof self.number !== 'number') return { prev: null, next: null }
    const [older, newer] = await Promise.all([
      find([{ number: { less_than: self.number } }], '-number', 1),
      find([{ number: { greater_than: self.number } }], 'number', 1),
    ])
    return { prev: pick(older[0]), next: pick(newer[0]) }
  }

  const at = time(self.publishedAt)
  if (Number.isNaN(at)) return { prev: null, next: null }
  const scope: Where[] = []
  if (collection === 'announcements') {
    const grids = (self.grids ?? []).map(idOf).filter((g): g is Id => g != null)
    if (!grids.length) return { prev: null, next: null }
    scope.push({ grids: { in: grids } })
  }
  const iso = new Date(at).toISOString()
  const [older, newer] = await Promise.all([
    find([...scope, { publishedAt: { less_than_equal: iso } }], '-publishedAt', TIES),
    find([...scope, { publishedAt: { greater_than_equal: iso } }], 'publishedAt', TIES),
  ])
  // Order by (publication time, id): the nearest on each side of this document.
  const key = (r: Row) => time(r.publishedAt)
  const before = older.filter((r) => key(r) < at || (key(r) === at && compareIds(r.id, self.id) < 0))
  const after = newer.filter((r) => key(r) > at || (key(r) === at && compareIds(r.id, self.id) > 0))
  before.sort((a, b) => key(b) - key(a) || compareIds(b.id, a.id))
  after.sort((a, b) => key(a) - key(b) || compareIds(a.id, b.id))
  return { prev: pick(before[0]), next: pick(after[0]) }
}
