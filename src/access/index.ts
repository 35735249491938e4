import type { Access, CollectionSlug, FieldAccess, PayloadRequest, Where } from 'payload'

import { type Id, idOf, isAdmin, isEditor, isGridScoped, isStaff, isWritingStaff, readsAllContent, sameId, scopedGridIds } from './roles'

export * from './roles'

export const anyone: Access = () => true
export const nobody: Access = () => false
export const staffOnly: Access = ({ req }) => isStaff(req.user)
export const adminsOnly: Access = ({ req }) => isAdmin(req.user)
export const editorsOnly: Access = ({ req }) => isEditor(req.user)
/** Staff who may write (not the read-only reviewer). */
export const writingStaffOnly: Access = ({ req }) => isWritingStaff(req.user)
/** Reading content in the admin: editors, admins and the review-only reviewers. */
export const contentReaders: Access = ({ req }) => readsAllContent(req.user)
export const adminFieldOnly: FieldAccess = ({ req }) => isAdmin(req.user)

/**
 * A list request gets a Where filter; a request for one document by id gets a
 * yes or no for that document, so that touching someone else's document is
 * refused with 403 (not a 404 that leaves the caller guessing).
 */
async function whereOrVerdict(req: PayloadRequest, collection: CollectionSlug, id: Id | undefined, where: Where) {
  if (id == null) return where
  const { totalDocs } = await req.payload.count({
    collection,
    where: { and: [{ id: { equals: id } }, where] },
    overrideAccess: true,
    req,
  })
  return totalDocs > 0
}

/** Users: admins see everyone; every other staff member sees only their own account. */
export const selfOrAdmin: Access = async ({ req, id }) => {
  const user = req.user as { id: Id } | null
  if (!user) return false
  if (isAdmin(user)) return true
  if (id != null) return sameId(id, user.id)
  return { id: { equals: user.id } }
}

function gridIdsFromData(data: unknown): Id[] | undefined {
  const grids = (data as { grids?: unknown })?.grids
  if (!Array.isArray(grids)) return undefined
  return grids.map((g) => idOf(g as Id)).filter((g): g is Id => g != null)
}

const within = (ids: Id[], allowed: Id[]) => ids.every((g) => allowed.some((a) => sameId(a, g)))

/** Announcements: editors everything; grid-scoped staff only announcements of their grids. */
export const announcementRead: Access = async ({ req, id }) => {
  const user = req.user
  if (readsAllContent(user)) return true
  if (!isGridScoped(user)) return false
  const mine = await scopedGridIds(req)
  return whereOrVerdict(req, 'announcements', id as Id | undefined, { grids: { in: mine } })
}

/**
 * Versions of announcements: the same scope as reading them. Payload applies
 * this filter to the versions table, where the document's fields sit under
 * `version.`; a by-id request (a version's id) gets a yes or no.
 */
export const announcementReadVersions: Access = async ({ req, id }) => {
  const user = req.user
  if (readsAllContent(user)) return true
  if (!isGridScoped(user)) return false
  const where: Where = { 'version.grids': { in: await scopedGridIds(req) } }
  if (id == null) return where
  const { totalDocs } = await req.payload.countVersions({
    collection: 'announcements',
    where: { and: [{ id: { equals: id } }, where] },
    overrideAccess: true,
    req,
  })
  return totalDocs > 0
}

export const announcementCreate: Access = async ({ req, data }) => {
  const user = req.user
  if (isEditor(user)) return true
  if (!isGridScoped(user)) return false
  const wanted = gridIdsFromData(data)
  // Missing grids are reported by field validation; only foreign grids are refused here.
  return wanted === undefined || within(wanted, await scopedGridIds(req))
}

/**
 * Writes by grid-scoped staff: only one document at a time (no bulk edits), only
 * when every grid it targets is theirs, and only to grids of theirs.
 */
export const announcementWrite: Access = async ({ req, id, data }) => {
  const user = req.user
  if (isEditor(user)) return true
  if (!isGridScoped(user) || id == null) return false
  const mine = await scopedGridIds(req)
  const doc = await req.payload
    .findByID({ collection: 'announcements', id: id as Id, depth: 0, draft: true, overrideAccess: true, req })
    .catch(() => null)
  if (!doc) return false
  const current = gridIdsFromData(doc) ?? []
  const wanted = gridIdsFromData(data)
  return within(current, mine) && (wanted === undefined || within(wanted, mine))
}

/**
 * Readership rollups. The rows hold exact small counts (one reader in a grid
 * on a day), so only editors read them raw; everyone else gets figures
 * through the dashboard (src/readership/dashboard.ts), which applies the
 * small-group rule. This is the scope the dashboard reads rows under: every
 * row for editors, the rows of their grids (the rollup's grid is the grid's
 * id as text) for grid-scoped staff, none for anyone else. Unattributed rows
 * (grid '') are the editors' alone.
 */
export async function readRollupScope(req: PayloadRequest): Promise<Where | boolean> {
  const user = req.user
  if (isEditor(user)) return true
  if (!isGridScoped(user)) return false
  return { grid: { in: (await scopedGridIds(req)).map(String) } }
}
