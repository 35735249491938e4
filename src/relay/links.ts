import type { Payload, PayloadRequest } from 'payload'

import { type Id, idOf, isEditor, sameId, type StaffUser } from '../access'
import type { Building } from '../grids/buildings'
import { publicUrl } from '../server/env'
import { signCompact, verifyCompact } from '../tokens'

/**
 * A building head's personal link (楼栋长链接, issue 18): /relay/<token>,
 * the token signed over the building's code (never changes) and the
 * building's link version. Nothing secret is stored: the grid row keeps
 * the version and whether the link is active. Revoking deactivates it;
 * issuing again bumps the version, so every earlier link answers 404 for
 * ever (a handover gives the successor a link the predecessor never had).
 */
export const RELAY_PURPOSE = 'relay-head'

export type RelayBuilding = Building & {
  headEmail?: string | null
  headConsent?: boolean | null
  headConsentAt?: string | null
  relayVersion?: number | null
  relayActive?: boolean | null
  relayIssuedAt?: string | null
}
export type RelayGrid = { id: Id; code: string; name: string; households?: number | null; buildings?: RelayBuilding[] | null }
export type HeadOf = { grid: RelayGrid; building: RelayBuilding; code: string }

export const relayToken = (code: string, version: number) => signCompact(RELAY_PURPOSE, [code, String(version)])
export const relayPath = (token: string) => `/relay/${token}`
/**
 * The key of a head's SMS short links (sms-links.delivery, src/jobs/relayTell.ts):
 * each /s/CODE texted to a head redirects to the head's link of that time. A
 * revoke or reissue deletes them all, so an old text answers 404 like the old
 * link, and never leads to a successor's page.
 */
export const headShortLinkKey = (code: string) => `relay-head:${code}`
export const relayUrl = (code: string, version: number, base = publicUrl()) => `${base}${relayPath(relayToken(code, version))}`

/** The grid that holds a building code, with its buildings (every field: server side only). */
export async function gridOfBuilding(payload: Payload, code: string): Promise<RelayGrid | null> {
  const { docs } = await payload.find({
    collection: 'grids',
    where: { 'buildings.code': { equals: code } },
    limit: 1,
    depth: 0,
    overrideAccess: true,
    select: { code: true, name: true, households: true, buildings: true },
  })
  return (docs[0] as unknown as RelayGrid) ?? null
}

/** The building a head's link opens, or null (forged, revoked, an earlier version, a building gone). */
export async function headOfLink(payload: Payload, token: string): Promise<HeadOf | null> {
  const v = verifyCompact(token, RELAY_PURPOSE, 2)
  if (!v.ok) return null
  const [code, version] = v.fields
  const grid = await gridOfBuilding(payload, code)
  const building = grid?.buildings?.find((b) => b.code === code)
  if (!grid || !building || !building.relayActive || String(building.relayVersion ?? '') !== version) return null
  return { grid, building, code }
}

/** May this staff member make or revoke links of this grid's buildings: editors and admins, and the grid's own leaders. */
export function mayManageRelay(user: StaffUser | null | undefined, gridId: Id): boolean {
  if (!user) return false
  if (isEditor(user)) return true
  return user.role === 'grid-leader' && (user.grids ?? []).some((g) => sameId(idOf(g), gridId))
}

export type HeadChange = { head?: string; headPhone?: string; headEmail?: string; consent?: boolean }

/**
 * Issue (or reissue: a new version) or revoke a building's link. A reissue
 * may name a successor (handover): the head's name, phone, email and
 * consent are replaced with what is given. Confirmations already made keep
 * the name of the head of their time (relay-confirmations.head).
 */
export async function changeRelayLink(
  payload: Payload,
  req: PayloadRequest | undefined,
  code: string,
  action: 'issue' | 'revoke',
  change: HeadChange = {},
  now = new Date(),
): Promise<{ grid: RelayGrid; building: RelayBuilding; link: string | null } | null> {
  const grid = await gridOfBuilding(payload, code)
  if (!grid) return null
  const buildings = (grid.buildings ?? []).map((b) => ({ ...b }))
  const row = buildings.find((b) => b.code === code)!
  if (action === 'issue') {
    row.relayVersion = (row.relayVersion ?? 0) + 1
    row.relayActive = true
    row.relayIssuedAt = now.toISOString()
    if (change.head !== undefined) row.head = change.head.trim() || null
    if (change.headPhone !== undefined) row.headPhone = change.headPhone.trim() || null
    if (change.headEmail !== undefined) row.headEmail = change.headEmail.trim() || null
    if (change.consent !== undefined) {
      row.headConsent = change.consent
      row.headConsentAt = change.consent ? now.toISOString() : null
    }
  } else {
    row.relayActive = false
  }
  await payload.update({ collection: 'grids', id: grid.id, data: { buildings } as never, overrideAccess: true, depth: 0, ...(req ? { req } : {}) })
  // Every earlier link is dead now (revoked, or an earlier version): so are the short links texted with it.
  await payload.db.deleteMany({ collection: 'sms-links', where: { delivery: { equals: headShortLinkKey(code) } }, ...(req ? { req } : {}) })
  payload.logger.info({ component: 'relay', grid: grid.code, building: code, action, version: row.relayVersion }, 'building head link changed')
  return { grid, building: row, link: row.relayActive ? relayUrl(code, row.relayVersion!) : null }
}

/** The current link of a building, or null when it has none (never issued, or revoked). */
export const currentLink = (b: RelayBuilding) => (b.code && b.relayActive && b.relayVersion ? relayUrl(b.code, b.relayVersion) : null)
