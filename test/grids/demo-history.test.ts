import { describe, expect, it } from 'vitest'

import { dashboardData } from '../../src/readership/dashboard'
import { DEMO_LOGINS, seedDemo } from '../../src/seed/demo'
import { HISTORY_CONTENT, seedDemoHistory } from '../../src/seed/history'
import { streetDay } from '../../src/templates/format'
import { testPayload, onMongoLeg } from '../support/payload'

/**
 * The demo street as a first start loads it (seedDemo with its history):
 * a community-staff login for 徐碧社区, and three months of readership so
 * every dashboard has figures; on the embedded SQLite database only, never
 * on MongoDB (where the server never seeds, and the history refuses anyway).
 */
type User = { id: string | number; role: string; community?: unknown; collection: 'users' }

async function demoUser(payload: Awaited<ReturnType<typeof testPayload>>, email: string): Promise<User> {
  const { docs } = await payload.find({ collection: 'users', where: { email: { equals: email } }, depth: 0, overrideAccess: true })
  return { ...(docs[0] as unknown as User), collection: 'users' }
}

describe('the demo street’s history and logins', () => {
  it('has a community-staff login for 徐碧社区, and readership history on SQLite only', async () => {
    const payload = await testPayload()
    const started = Date.now()
    await seedDemo(payload, { history: true })
    const seconds = (Date.now() - started) / 1000

    // The community-staff demo login signs in and is bound to 徐碧社区.
    const staffLogin = DEMO_LOGINS.find((u) => u.role === 'community-staff')!
    const { user, token } = await payload.login({ collection: 'users', data: { email: staffLogin.email, password: staffLogin.password } })
    expect(token).toBeTruthy()
    const { docs: xb } = await payload.find({ collection: 'communities', where: { code: { equals: 'XB' } }, depth: 0, overrideAccess: true })
    const community = (user as unknown as { community: { id: unknown } | string | number }).community
    expect(String(typeof community === 'object' ? community.id : community)).toBe(String(xb[0].id))

    const { totalDocs: rollups } = await payload.count({ collection: 'read-rollups', overrideAccess: true })
    const pastTitles = HISTORY_CONTENT.map((c) => c.title)
    const past = await Promise.all(
      (['events', 'policies', 'announcements'] as const).map((collection) =>
        payload.count({ collection, where: { title: { in: pastTitles } }, overrideAccess: true }).then((r) => r.totalDocs),
      ),
    )

    if (onMongoLeg()) {
      // MongoDB is production: no history, no past contents, and the history itself refuses.
      expect(rollups).toBe(0)
      expect(past.reduce((s, n) => s + n, 0)).toBe(0)
      expect(await seedDemoHistory(payload, [], [])).toEqual({ skipped: 'not-sqlite' })
      expect((await payload.count({ collection: 'read-rollups', overrideAccess: true })).totalDocs).toBe(0)
      return
    }

    expect(past.reduce((s, n) => s + n, 0)).toBe(HISTORY_CONTENT.length)
    expect(rollups).toBeGreaterThan(1000)
    // Three months: the oldest day is about 90 days back, the newest today or yesterday.
    const { docs: oldest } = await payload.find({ collection: 'read-rollups', sort: 'day', limit: 1, depth: 0, overrideAccess: true })
    const { docs: newest } = await payload.find({ collection: 'read-rollups', sort: '-day', limit: 1, depth: 0, overrideAccess: true })
    expect((oldest[0] as unknown as { day: string }).day <= streetDay(new Date(Date.now() - 80 * 86_400_000))).toBe(true)
    expect((newest[0] as unknown as { day: string }).day >= streetDay(new Date(Date.now() - 2 * 86_400_000))).toBe(true)

    // Every role's dashboard has figures on first start.
    const viewers = {
      editor: await demoUser(payload, 'editor@demo.street'),
      leader: await demoUser(payload, 'leader1@demo.street'),
      staff: await demoUser(payload, staffLogin.email),
    }
    for (const [who, viewer] of Object.entries(viewers)) {
      const data = await dashboardData(payload, viewer as never, {})
      const readers = data.contents.map((c) => c.total.readers.value ?? 0)
      expect(data.contents.length, who).toBeGreaterThanOrEqual(6)
      expect(readers.filter((n) => n > 0).length, who).toBeGreaterThanOrEqual(5)
      expect(data.trend.length, who).toBeGreaterThan(0)
      if (who === 'staff') expect(data.scope.grids.map((g) => g.code)).toEqual(['XB-01', 'XB-02', 'XB-03', 'XB-04', 'XB-05', 'XB-06', 'XB-07'])
      // A past explainer, a month and more old, has its read rate (sent and read through messages).
      const old = data.contents.find((c) => c.content.title === '电动自行车停放充电管理规定解读')
      expect(old, who).toBeTruthy()
      expect(old!.total.submitted.value ?? 0, who).toBeGreaterThan(0)
      expect(old!.total.readRate.state, who).toBe('shown')
    }

    // Running the seed again (SEED_DEMO=1 on a used database) adds nothing.
    await seedDemo(payload, { history: true })
    expect((await payload.count({ collection: 'read-rollups', overrideAccess: true })).totalDocs).toBe(rollups)
    // A first start stays quick.
    expect(seconds).toBeLessThan(60)
  })
})
