import { sql } from '@payloadcms/db-sqlite'
import type { Payload } from 'payload'

import type { Id } from '../model/ids'
import type { RelayBuilding } from '../relay/links'
import { inSqliteWriteTurn } from '../store/sqlite'
import { rng } from './street'

/**
 * The demo street's building heads (issue 18): every demo building gets its
 * head's link (version 1, issued five weeks ago, consent recorded), and,
 * with the readership history (SEED_DEMO_HISTORY), a month of plausible
 * confirmations: for each content published in the last 30 days, most heads
 * of the buildings it concerns forwarded it to the group within hours, fewer
 * put up a poster, and some knocked on a share of their doors (older heads
 * in estates without lifts knock more). Runs once: buildings with a link and
 * existing confirmations are left as they are.
 */
const DAY = 86_400_000
const MONTH_DAYS = 30

type Grid = { id: Id; code: string; buildings?: RelayBuilding[] | null }

async function allGrids(payload: Payload): Promise<Grid[]> {
  const { docs } = await payload.find({ collection: 'grids', limit: 0, pagination: false, depth: 0, overrideAccess: true, select: { code: true, buildings: true } })
  return docs as unknown as Grid[]
}

/** A demo building as the seed creates it: with its head's link (version 1) and consent, issued five weeks ago. */
export function withDemoHeadLink<B extends { code: string }>(b: B, now = Date.now()) {
  const at = new Date(now - 35 * DAY).toISOString()
  return { ...b, relayVersion: 1, relayActive: true, relayIssuedAt: at, headConsent: true, headConsentAt: at }
}

/** Give each building without one its head's link (and record the demo heads' consent). Returns how many were issued. */
export async function seedDemoRelayLinks(payload: Payload, now = Date.now()): Promise<number> {
  let issued = 0
  const at = new Date(now - 35 * DAY).toISOString()
  for (const g of await allGrids(payload)) {
    const rows = g.buildings ?? []
    if (!rows.some((b) => b.code && !b.relayVersion)) continue
    const buildings = rows.map((b) => {
      if (!b.code || b.relayVersion) return b
      issued++
      return { ...b, relayVersion: 1, relayActive: true, relayIssuedAt: at, headConsent: true, headConsentAt: at }
    })
    await payload.update({ collection: 'grids', id: g.id, data: { buildings } as never, overrideAccess: true, depth: 0 })
  }
  payload.logger.info({ component: 'seed', issued }, 'demo building heads’ links ready')
  return issued
}

type Content = { type: string; id: Id; publishedAt: string; grids: string[] | null }

async function monthOfContent(payload: Payload, now: number): Promise<Content[]> {
  const since = new Date(now - MONTH_DAYS * DAY).toISOString()
  const out: Content[] = []
  for (const type of ['announcements', 'events', 'policies', 'issues'] as const) {
    const { docs } = await payload.find({
      collection: type,
      where: { and: [{ _status: { equals: 'published' } }, { publishedAt: { greater_than_equal: since } }] },
      limit: 100,
      depth: 0,
      overrideAccess: true,
    })
    for (const d of docs as unknown as { id: Id; publishedAt?: string; grids?: (Id | { id: Id })[] | null }[]) {
      const grids = type === 'announcements' ? (d.grids ?? []).map((g) => String(typeof g === 'object' ? g.id : g)) : null
      out.push({ type, id: d.id, publishedAt: d.publishedAt ?? new Date(now).toISOString(), grids })
    }
  }
  return out
}

/** A month of confirmations (see above); nothing when the street has some already. Returns how many rows were written. */
export async function seedDemoRelayConfirmations(payload: Payload, now = Date.now()): Promise<number> {
  if ((await payload.count({ collection: 'relay-confirmations', overrideAccess: true })).totalDocs > 0) return 0
  const random = rng(20261207)
  const grids = await allGrids(payload)
  const rows: Row[] = []
  for (const c of await monthOfContent(payload, now)) {
    const published = Date.parse(c.publishedAt)
    for (const g of grids) {
      if (c.grids && !c.grids.includes(String(g.id))) continue
      for (const b of g.buildings ?? []) {
        if (!b.code || !b.relayActive) continue
        const eager = 0.55 + random() * 0.4
        const relayed = random() < eager
        const posted = random() < eager * 0.45
        const doors = random() < eager * 0.35 && (b.households ?? 0) > 0
        if (!relayed && !posted && !doors) continue
        const later = (hours: number) => {
          const at = published + hours * 3600_000
          return at < now ? new Date(at).toISOString() : null
        }
        const relayedAt = relayed ? later(0.3 + random() * 6) : null
        const postedAt = posted ? later(4 + random() * 30) : null
        const doorsAt = doors ? later(20 + random() * 60) : null
        if (!relayedAt && !postedAt && !doorsAt) continue
        rows.push({
          contentType: c.type,
          contentId: String(c.id),
          grid: String(g.id),
          building: b.code,
          head: b.head ?? null,
          relayedAt,
          postedAt,
          doorHouseholds: doorsAt ? Math.max(1, Math.round((b.households ?? 0) * (0.1 + random() * 0.35))) : null,
          doorsAt,
        })
      }
    }
  }
  await insertConfirmations(payload, rows)
  payload.logger.info({ component: 'seed', rows: rows.length }, 'demo relay confirmations ready')
  return rows.length
}

type Row = {
  contentType: string
  contentId: string
  grid: string
  building: string
  head: string | null
  relayedAt: string | null
  postedAt: string | null
  doorHouseholds: number | null
  doorsAt: string | null
}

/** On SQLite (the demo's database) in a few multi-row statements, as the history does; elsewhere one create each. */
async function insertConfirmations(payload: Payload, rows: Row[]) {
  if ((payload.db as { name?: string }).name !== 'sqlite') {
    for (const r of rows) await payload.create({ collection: 'relay-confirmations', data: r as never, overrideAccess: true, depth: 0 })
    return
  }
  const db = payload.db as unknown as { drizzle: { run: (q: unknown) => Promise<unknown> } }
  for (let i = 0; i < rows.length; i += 300) {
    const values = sql.join(
      rows.slice(i, i + 300).map((r) => sql`(${r.contentType}, ${r.contentId}, ${r.grid}, ${r.building}, ${r.head}, ${r.relayedAt}, ${r.postedAt}, ${r.doorHouseholds}, ${r.doorsAt})`),
      sql`, `,
    )
    await inSqliteWriteTurn(payload, () =>
      db.drizzle.run(
        sql`INSERT INTO relay_confirmations (content_type, content_id, grid, building, head, relayed_at, posted_at, door_households, doors_at) VALUES ${values} ON CONFLICT DO NOTHING`,
      ),
    )
  }
}
