import type { Payload } from 'payload'

import { doc, p } from '../../src/seed/lexical'

export type Id = string | number
export type StaffUser = { id: Id; email: string; role: string; collection: 'users'; grids?: Id[]; community?: Id }

export const PASSWORD = 'test-password-1'

/**
 * A small street for tests: community A with grids, community B
 * with grid B-01, and one staff user per role (leaderA on A-01, leaderB on
 * B-01, staffA for community A).
 */
export async function smallStreet(payload: Payload) {
  const mk = <T>(collection: string, data: Record<string, unknown>) =>
    payload.create({ collection: collection as never, data: data as never, overrideAccess: true }) as Promise<T>
  const commA = await mk<{ id: Id }>('communities', { code: 'A', name: '甲社区' })
  const commB = await mk<{ id: Id }>('communities', { code: 'B', name: '乙社区' })
  const gridA1 = await mk<{ id: Id }>('grids', { code: 'A-01', name: '甲一网格', community: commA.id, households: 400 })
  const gridA2 = await mk<{ id: Id }>('grids', { code: 'A-02', name: '甲二网格', community: commA.id, households: 350 })
  const gridB1 = await mk<{ id: Id }>('grids', { code: 'B-01', name: '乙一网格', community: commB.id, households: 480 })
  const user = async (email: string, role: string, extra: Record<string, unknown> = {}) => {
    const u = await mk<StaffUser>('users', { email, password: PASSWORD, name: email.split('@')[0], role, ...extra })
    return { ...u, collection: 'users' as const }
  }
  const admin = await user('admin@test.local', 'admin')
  const editor = await user('editor@test.local', 'editor')
  const staffA = await user('staff-a@test.local', 'community-staff', { community: commA.id })
  const leaderA = await user('leader-a@test.local', 'grid-leader', { grids: [gridA1.id] })
  const leaderB = await user('leader-b@test.local', 'grid-leader', { grids: [gridB1.id] })
  return { commA, commB, gridA1, gridA2, gridB1, admin, editor, staffA, leaderA, leaderB }
}

export const body = (text: string) => doc(p(text))
