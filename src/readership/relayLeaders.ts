import type { Payload, PayloadRequest, Where } from 'payload'

import { type Id, idOf, isEditor, sameId, scopedGridIds } from '../access'
import { RELAY_CONFIRM_MINUTES_DEFAULT } from '../globals/siteSettings/relayLeaders'
import { type ContentRef, DashboardError, findContent, type GridInfo, gridsFor, viewerGrids } from './dashboard'

/**
 * The grid leader's side of building relay (issue 18): for one content, the
 * buildings of the viewer's grids with what each head confirmed (已转发到楼栋群,
 * 已张贴, 已入户告知 N 户, or nothing yet), the head's name and phone so the
 * leader can call, and the leader's own offline reach (offline-reach rows).
 *
 * Scope: the dashboard's (viewerGrids): editors every grid, grid leaders
 * and community staff their grids only; an announcement only for its own
 * grids. A head's phone goes to editors and that grid's leaders only
 * (access/headPhone.ts), never to community staff. The rows of
 * relay-confirmations are written by the heads' page; read here with
 * overrideAccess under this scope.
 */

export type BuildingStatus = 'doors' | 'relayed' | 'posted' | 'none'

export type BuildingLine = {
  code: string
  name: string
  households: number | null
  head: string | null
  /** Only for editors and this grid's leaders; null otherwise or when not recorded. */
  headPhone: string | null
  relayedAt: string | null
  postedAt: string | null
  doorHouseholds: number
  doorsAt: string | null
  /** The furthest step confirmed: at the doors, relayed to the group, posted, or nothing yet. */
  status: BuildingStatus
  /** Nothing confirmed and the confirmation time (site settings) since publication has passed. */
  late: boolean
}

export type OfflineFigures = { id: Id | null; doorHouseholds: number; phoneHouseholds: number; posters: number }

export type GridBuildings = {
  grid: GridInfo
  buildings: BuildingLine[]
  offline: OfflineFigures
  /** The viewer may log the offline reach of this grid (its leader, or an editor). */
  canLog: boolean
}

export type BuildingList = { content: ContentRef; confirmMinutes: number; dueAt: string | null; grids: GridBuildings[] }

type BuildingRow = { code?: string | null; name?: string | null; households?: number | null; head?: string | null; headPhone?: string | null }
type ConfirmationRow = { grid: string; building: string; head?: string | null; relayedAt?: string | null; postedAt?: string | null; doorHouseholds?: number | null; doorsAt?: string | null }
type OfflineRow = { id: Id; grid: Id | { id: Id }; doorHouseholds?: number | null; phoneHouseholds?: number | null; posters?: number | null }

/** The minutes a head has to confirm, from site settings (default 30). */
export async function confirmMinutes(payload: Payload): Promise<number> {
  const s = (await payload.findGlobal({ slug: 'site-settings', depth: 0, overrideAccess: true })) as { relayConfirmMinutes?: number | null }
  const m = s.relayConfirmMinutes
  return typeof m === 'number' && m > 0 ? m : RELAY_CONFIRM_MINUTES_DEFAULT
}

export const statusOf = (c: Pick<ConfirmationRow, 'relayedAt' | 'postedAt' | 'doorHouseholds'> | undefined): BuildingStatus =>
  !c ? 'none' : (c.doorHouseholds ?? 0) > 0 ? 'doors' : c.relayedAt ? 'relayed' : c.postedAt ? 'posted' : 'none'

/** The grids' buildings (codes, households, heads and phones), read past field access: phones are handed out below, by role. */
export async function gridBuildings(payload: Payload, gridIds: Id[]): Promise<Map<string, BuildingRow[]>> {
  if (!gridIds.length) return new Map()
  const { docs } = await payload.find({
    collection: 'grids',
    where: { id: { in: gridIds } },
    limit: 0,
    pagination: false,
    depth: 0,
    overrideAccess: true,
    select: { buildings: true },
  })
  return new Map((docs as unknown as { id: Id; buildings?: BuildingRow[] | null }[]).map((g) => [String(g.id), (g.buildings ?? []).filter((b) => b.code)]))
}

const contentWhere = (content: Pick<ContentRef, 'type' | 'id'>): Where[] => [{ contentType: { equals: content.type } }, { contentId: { equals: String(content.id) } }]

export async function confirmationsOf(payload: Payload, content: Pick<ContentRef, 'type' | 'id'>, gridIds: Id[]): Promise<ConfirmationRow[]> {
  if (!gridIds.length) return []
  const { docs } = await payload.find({
    collection: 'relay-confirmations',
    where: { and: [...contentWhere(content), { grid: { in: gridIds.map(String) } }] },
    limit: 0,
    pagination: false,
    depth: 0,
    overrideAccess: true,
  })
  return docs as unknown as ConfirmationRow[]
}

export async function offlineOf(payload: Payload, content: Pick<ContentRef, 'type' | 'id'>, gridIds: Id[]): Promise<Map<string, OfflineFigures>> {
  if (!gridIds.length) return new Map()
  const { docs } = await payload.find({
    collection: 'offline-reach',
    where: { and: [...contentWhere(content), { grid: { in: gridIds } }] },
    limit: 0,
    pagination: false,
    depth: 0,
    overrideAccess: true,
  })
  return new Map(
    (docs as unknown as OfflineRow[]).map((r) => [
      String(idOf(r.grid)),
      { id: r.id, doorHouseholds: r.doorHouseholds ?? 0, phoneHouseholds: r.phoneHouseholds ?? 0, posters: r.posters ?? 0 },
    ]),
  )
}

const noOffline = (): OfflineFigures => ({ id: null, doorHouseholds: 0, phoneHouseholds: 0, posters: 0 })

/** The grids of a content the viewer sees (optionally one of them: 403 when it is not theirs). */
export async function scopedContentGrids(req: PayloadRequest, type: string, id: Id, onlyGrid?: string | null): Promise<{ content: ContentRef; grids: GridInfo[] }> {
  const view = await viewerGrids(req.payload, req)
  if (!view) throw new DashboardError(403, 'readership.error.forbidden')
  const content = await findContent(req.payload, req, type, id)
  let grids = gridsFor(content, view.grids)
  if (onlyGrid) {
    if (!view.grids.some((g) => sameId(g.id, onlyGrid))) throw new DashboardError(403, 'readership.error.forbidden')
    grids = grids.filter((g) => sameId(g.id, onlyGrid))
  }
  return { content, grids }
}

/** The building list of a content for the viewer's grids; grids with no building are listed with none. */
export async function buildingList(req: PayloadRequest, type: string, id: Id, opts: { grid?: string | null; now?: Date } = {}): Promise<BuildingList> {
  const { payload } = req
  const { content, grids } = await scopedContentGrids(req, type, id, opts.grid)
  const ids = grids.map((g) => g.id)
  const [minutes, buildings, confirmations, offline, mine] = await Promise.all([
    confirmMinutes(payload),
    gridBuildings(payload, ids),
    confirmationsOf(payload, content, ids),
    offlineOf(payload, content, ids),
    scopedGridIds(req),
  ])
  const editor = isEditor(req.user)
  const leaderOf = (grid: Id) => req.user?.role === 'grid-leader' && mine.some((g) => sameId(g, grid))
  const due = content.publishedAt ? new Date(Date.parse(content.publishedAt) + minutes * 60_000) : null
  const overdue = due !== null && (opts.now ?? new Date()) >= due
  const byBuilding = new Map(confirmations.map((c) => [`${c.grid}|${c.building}`, c]))
  return {
    content,
    confirmMinutes: minutes,
    dueAt: due?.toISOString() ?? null,
    grids: grids.map((grid) => {
      const phones = editor || leaderOf(grid.id)
      const lines = (buildings.get(String(grid.id)) ?? []).map((b): BuildingLine => {
        const c = byBuilding.get(`${String(grid.id)}|${b.code}`)
        const status = statusOf(c)
        return {
          code: b.code!,
          name: b.name ?? '',
          households: b.households ?? null,
          head: b.head || null,
          headPhone: phones ? b.headPhone || null : null,
          relayedAt: c?.relayedAt ?? null,
          postedAt: c?.postedAt ?? null,
          doorHouseholds: c?.doorHouseholds ?? 0,
          doorsAt: c?.doorsAt ?? null,
          status,
          late: status === 'none' && overdue && Boolean(b.head),
        }
      })
      return { grid, buildings: lines, offline: offline.get(String(grid.id)) ?? noOffline(), canLog: editor || leaderOf(grid.id) }
    }),
  }
}
