import type { PayloadRequest } from 'payload'
import type { Id } from '../model/ids'

// `reviewer` (审核领导): reads content in the admin and approves or returns review steps; never edits or publishes.
export const ROLES = ['admin', 'editor', 'community-staff', 'grid-leader', 'reviewer'] as const
export type Role = (typeof ROLES)[number]
export type { Id }

/** The shape of req.user we rely on (ids may be numbers on SQLite, strings on MongoDB). */
export type StaffUser = {
  id: Id
  collection?: string
  role?: Role | null
  community?: Id | { id: Id } | null
  grids?: (Id | { id: Id })[] | null
}

type MaybeUser = StaffUser | null | undefined

export const idOf = (v: Id | { id: Id } | null | undefined): Id | undefined =>
  v == null ? undefined : typeof v === 'object' ? v.id : v

export const sameId = (a: unknown, b: unknown): boolean => a != null && b != null && String(a) === String(b)

export const isStaff = (user: MaybeUser): user is StaffUser => Boolean(user && user.role)
export const isAdmin = (user: MaybeUser): boolean => user?.role === 'admin'
/** Editors and admins run the street-wide content and review everything. */
export const isEditor = (user: MaybeUser): boolean => user?.role === 'admin' || user?.role === 'editor'
/** The office's review-only leaders (审核领导): read-only staff. */
export const isReviewer = (user: MaybeUser): boolean => user?.role === 'reviewer'
/** Staff who may read every content in the admin: editors, admins and reviewers. */
export const readsAllContent = (user: MaybeUser): boolean => isEditor(user) || isReviewer(user)
/** Staff who may write anything at all (upload media, create content): every role but the read-only reviewer. */
export const isWritingStaff = (user: MaybeUser): boolean => isStaff(user) && !isReviewer(user)
/** Grid leaders and community staff act only within a set of grids. */
export const isGridScoped = (user: MaybeUser): boolean =>
  user?.role === 'grid-leader' || user?.role === 'community-staff'

/**
 * The grids a scoped user may act for: a grid leader's own grids, or every grid
 * of a community staff member's community. Cached on the request.
 */
export async function scopedGridIds(req: PayloadRequest): Promise<Id[]> {
  const user = req.user as MaybeUser
  if (!user) return []
  if (user.role === 'grid-leader') return (user.grids ?? []).map((g) => idOf(g)!).filter((g) => g != null)
  if (user.role !== 'community-staff') return []
  const ctx = req.context as { scopedGridIds?: Id[] }
  if (ctx.scopedGridIds) return ctx.scopedGridIds
  const community = idOf(user.community)
  if (community == null) return (ctx.scopedGridIds = [])
  const { docs } = await req.payload.find({
    collection: 'grids',
    where: { community: { equals: community } },
    depth: 0,
    limit: 0,
    pagination: false,
    select: {},
    overrideAccess: true,
    req,
  })
  return (ctx.scopedGridIds = docs.map((d) => d.id))
}
