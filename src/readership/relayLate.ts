import type { Payload, Where } from 'payload'

import { type Id, sameId } from '../access'
import { CONTENT_SLUGS, type ContentSlug } from '../model/content'
import { confirmationsOf, confirmMinutes, gridBuildings, statusOf } from './relayLeaders'

/**
 * Urgent relay (issue 18): the buildings whose head has not confirmed an
 * urgent content within the minutes set in site settings
 * (relayConfirmMinutes, default 30) after it was published; other contents
 * have no deadline. Only buildings with a head (someone
 * to call); only contents published in the last LATE_WINDOW_HOURS, so an
 * old notice does not stay at the top of a leader's home for ever. Shared by
 * the leader's home and the alert job (src/jobs/relayAlerts.ts).
 */
export const LATE_WINDOW_HOURS = 48

export type LateBuilding = { code: string; name: string; head: string; headPhone: string | null }
export type LateGrid = { gridId: Id; code: string; name: string; buildings: LateBuilding[] }
export type LateContent = { type: ContentSlug; id: Id; title: string; publishedAt: string; minutes: number; grids: LateGrid[] }

type ContentDoc = { id: Id; title?: string; publishedAt?: string | null; withdrawnAt?: string | null; grids?: (Id | { id: Id })[] | null }
type GridDoc = { id: Id; code: string; name: string }

/** Contents with overdue buildings in the given grids (null: every grid), newest first. */
export async function lateRelays(payload: Payload, gridIds: Id[] | null, now = new Date()): Promise<LateContent[]> {
  if (gridIds && !gridIds.length) return []
  const minutes = await confirmMinutes(payload)
  const until = new Date(now.getTime() - minutes * 60_000).toISOString()
  const since = new Date(now.getTime() - LATE_WINDOW_HOURS * 3_600_000).toISOString()
  const { docs: gridDocs } = await payload.find({
    collection: 'grids',
    ...(gridIds ? { where: { id: { in: gridIds } } } : {}),
    limit: 0,
    pagination: false,
    depth: 0,
    overrideAccess: true,
    select: { code: true, name: true },
  })
  const grids = gridDocs as unknown as GridDoc[]
  const buildings = await gridBuildings(
    payload,
    grids.map((g) => g.id),
  )
  const out: LateContent[] = []
  for (const type of CONTENT_SLUGS) {
    const where: Where[] = [{ _status: { equals: 'published' } }, { urgent: { equals: true } }, { publishedAt: { greater_than_equal: since } }, { publishedAt: { less_than_equal: until } }]
    if (type === 'announcements') where.push({ grids: { in: grids.map((g) => g.id) } })
    const { docs } = await payload.find({ collection: type, where: { and: where }, limit: 50, depth: 0, overrideAccess: true, select: { title: true, publishedAt: true, withdrawnAt: true, ...(type === 'announcements' ? { grids: true } : {}) } as never })
    for (const d of (docs as unknown as ContentDoc[]).filter((c) => !c.withdrawnAt)) {
      const own = type === 'announcements' ? grids.filter((g) => (d.grids ?? []).some((x) => sameId(typeof x === 'object' ? x.id : x, g.id))) : grids
      const confirmed = new Set(
        (await confirmationsOf(payload, { type, id: d.id }, own.map((g) => g.id))).filter((c) => statusOf(c) !== 'none').map((c) => `${c.grid}|${c.building}`),
      )
      const late = own
        .map((g) => ({
          gridId: g.id,
          code: g.code,
          name: g.name,
          buildings: (buildings.get(String(g.id)) ?? [])
            .filter((b) => b.head && !confirmed.has(`${String(g.id)}|${b.code}`))
            .map((b) => ({ code: b.code!, name: b.name ?? '', head: b.head!, headPhone: b.headPhone || null })),
        }))
        .filter((g) => g.buildings.length)
      if (late.length) out.push({ type, id: d.id, title: d.title ?? '', publishedAt: d.publishedAt!, minutes, grids: late })
    }
  }
  return out.sort((a, b) => b.publishedAt.localeCompare(a.publishedAt))
}
