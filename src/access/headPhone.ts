import type { FieldAccess } from 'payload'

import { idOf, isEditor, sameId, type StaffUser } from './roles'

/**
 * Who reads a building head's phone (楼栋长电话): admins, editors, and the
 * grid leaders of that grid. Nobody else: not community staff, not another
 * grid's leader, never a resident or an anonymous caller (REST, GraphQL and
 * the admin alike; the public pages and the grid directory never read it).
 * Without a document (a filter or a sort on the field, checked before any
 * document is read) only editors and admins may use it, so the phone cannot
 * be guessed by filtering or sorting either.
 */
export const headPhoneRead: FieldAccess = ({ req, doc, id }) => {
  const user = req.user as StaffUser | null
  if (isEditor(user)) return true
  if (user?.role !== 'grid-leader') return false
  const grid = (doc as { id?: string | number } | undefined)?.id ?? id
  if (grid == null) return false
  return (user.grids ?? []).some((g) => sameId(idOf(g), grid))
}
