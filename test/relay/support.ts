import type { Payload } from 'payload'

import { body, type Id, type smallStreet } from '../support/fixtures'

/**
 * A street with buildings for the grid leaders' side of issue 18: grid
 * A-01 (400 households) has four buildings, B-01 one; confirmations are
 * written straight into relay-confirmations, as the heads' page would.
 */
export type Street = Awaited<ReturnType<typeof smallStreet>>

export const A_BUILDINGS = [
  { code: 'A1-1', name: '1号楼', households: 100, head: '张三', headPhone: '13800000001' },
  { code: 'A1-2', name: '2号楼', households: 80, head: '李四', headPhone: '13800000002' },
  { code: 'A1-3', name: '3号楼', households: 60, head: '王五' },
  { code: 'A1-4', name: '4号楼', households: 50 },
]

export async function withBuildings(payload: Payload, street: Street) {
  await payload.update({ collection: 'grids', id: street.gridA1.id, data: { buildings: A_BUILDINGS } as never, overrideAccess: true })
  await payload.update({ collection: 'grids', id: street.gridB1.id, data: { buildings: [{ code: 'B1-1', name: '乙1号楼', households: 120, head: '赵六', headPhone: '13800000006' }] } as never, overrideAccess: true })
}

export async function publishedIssue(payload: Payload, title: string, at: Date, o: { urgent?: boolean } = {}): Promise<{ id: Id }> {
  return (await payload.create({
    collection: 'issues',
    data: { title, articles: [{ title: `${title}·正文`, body: body('本期内容。') }], _status: 'published', publishedAt: at.toISOString(), urgent: !!o.urgent } as never,
    overrideAccess: true,
  })) as unknown as { id: Id }
}

export async function publishedAnnouncement(payload: Payload, title: string, grid: Id, at: Date, o: { urgent?: boolean } = {}): Promise<{ id: Id }> {
  return (await payload.create({
    collection: 'announcements',
    data: { title, grids: [grid], body: body('公告内容。'), _status: 'published', publishedAt: at.toISOString(), urgent: !!o.urgent } as never,
    overrideAccess: true,
  })) as unknown as { id: Id }
}

export async function confirm(
  payload: Payload,
  content: { type: string; id: Id },
  grid: Id,
  building: string,
  what: { relayedAt?: Date; postedAt?: Date; doorHouseholds?: number; head?: string },
) {
  await payload.db.create({
    collection: 'relay-confirmations',
    data: {
      contentType: content.type,
      contentId: String(content.id),
      grid: String(grid),
      building,
      head: what.head ?? null,
      relayedAt: what.relayedAt?.toISOString() ?? null,
      postedAt: what.postedAt?.toISOString() ?? null,
      doorHouseholds: what.doorHouseholds ?? null,
      doorsAt: what.doorHouseholds ? (what.relayedAt ?? new Date()).toISOString() : null,
    },
  })
}

export async function readers(payload: Payload, content: { type: string; id: Id }, grid: Id, n: number) {
  await payload.create({
    collection: 'read-rollups',
    data: { key: `${content.type}:${content.id}:${grid}:all:2026-11-20`, contentType: content.type, contentId: String(content.id), grid: String(grid), channel: 'all', day: '2026-11-20', submitted: 0, readers: n, reads: n, opens: 0, openReaders: 0 } as never,
    overrideAccess: true,
  })
}
