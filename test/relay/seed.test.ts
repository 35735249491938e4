import type { Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import { seedDemoRelayConfirmations, seedDemoRelayLinks } from '../../src/seed/relay'
import { body, type Id, smallStreet } from '../support/fixtures'
import { testPayload } from '../support/payload'

/**
 * The demo street's heads (src/seed/relay.ts): every building gets a link
 * once; a month of confirmations covers only contents of the last 30 days,
 * only the buildings of an announcement's grids, never before publication
 * nor in the future, and never more households than the building has.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
const DAY = 86_400_000
const now = Date.now()
const ids: Record<string, Id> = {}

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  const buildings = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ estate: `${prefix}小区`, name: `${i + 1}栋`, households: 20 + i, head: `楼栋长${prefix}${i + 1}` }))
  await payload.update({ collection: 'grids', id: street.gridA1.id, data: { buildings: buildings(6, '甲') } as never, overrideAccess: true })
  await payload.update({ collection: 'grids', id: street.gridB1.id, data: { buildings: buildings(5, '乙') } as never, overrideAccess: true })
  const make = async (key: string, collection: string, data: Record<string, unknown>) =>
    (ids[key] = ((await payload.create({ collection: collection as never, data: { _status: 'published', body: body('正文'), ...data } as never, overrideAccess: true, context: { demoContent: true } })) as unknown as { id: Id }).id)
  await make('recentA', 'announcements', { title: '甲一近期公告', grids: [street.gridA1.id], publishedAt: new Date(now - 5 * DAY).toISOString() })
  await make('oldA', 'announcements', { title: '甲一旧公告', grids: [street.gridA1.id], publishedAt: new Date(now - 45 * DAY).toISOString() })
  await make('policy', 'policies', { title: '全街道政策', issuingBody: '徐碧街道办事处', summary: '解读。', publishedAt: new Date(now - 12 * DAY).toISOString() })
})

describe('the demo street’s building heads', () => {
  it('gives every building a link once, and a month of bounded, plausible confirmations', async () => {
    expect(await seedDemoRelayLinks(payload, now)).toBe(11)
    expect(await seedDemoRelayLinks(payload, now)).toBe(0)

    const written = await seedDemoRelayConfirmations(payload, now)
    expect(written).toBeGreaterThan(5)
    expect(await seedDemoRelayConfirmations(payload, now)).toBe(0)
    const { docs } = await payload.find({ collection: 'relay-confirmations', limit: 0, pagination: false, overrideAccess: true })
    const rows = docs as unknown as Record<string, string | number | null>[]
    expect(rows).toHaveLength(written)
    expect(rows.filter((r) => r.contentType === 'announcements' && r.contentId === String(ids.oldA)).map((r) => r.contentType)).toEqual([])
    const codesB = new Set(
      ((await payload.findByID({ collection: 'grids', id: street.gridB1.id, overrideAccess: true, depth: 0 })) as unknown as { buildings: { code: string }[] }).buildings.map((b) => b.code),
    )
    expect(rows.filter((r) => r.contentType === 'announcements' && r.contentId === String(ids.recentA)).some((r) => codesB.has(String(r.building)))).toBe(false)
    expect(rows.filter((r) => r.contentType === 'policies' && r.contentId === String(ids.policy)).some((r) => codesB.has(String(r.building)))).toBe(true)
    for (const r of rows) {
      for (const at of [r.relayedAt, r.postedAt, r.doorsAt]) if (at) expect(Date.parse(String(at))).toBeLessThanOrEqual(now)
      if (r.doorsAt) expect(Number(r.doorHouseholds)).toBeGreaterThanOrEqual(1)
      if (r.doorsAt) expect(Number(r.doorHouseholds)).toBeLessThanOrEqual(25)
    }
  })
})
