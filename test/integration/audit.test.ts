import type { Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import { body, PASSWORD, smallStreet, type Id } from '../support/fixtures'
import { rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'

/**
 * The audit log (操作日志) records publish, unpublish, submit, approve,
 * return, role changes and logins, with who did it; only admins read it.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>

type Entry = { action: string; actor?: Id | null; actorName?: string; targetCollection?: string; targetId?: string; targetTitle?: string; detail?: string | null }
const asUser = (u: { id: Id }) => ({ ...u, collection: 'users' }) as never

/** Entries about one target (or one action), oldest first. */
async function entries(where: Record<string, unknown>): Promise<Entry[]> {
  const { docs } = await payload.find({ collection: 'audit-log', where: where as never, sort: 'createdAt', limit: 0, overrideAccess: true, depth: 0 })
  return docs as unknown as Entry[]
}
const about = (collection: string, id: Id) =>
  entries({ and: [{ targetCollection: { equals: collection } }, { targetId: { equals: String(id) } }] })
const actions = (list: Entry[]) => list.map((e) => e.action)
const actorOf = (e: Entry) => String(e.actor)

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
})

describe('audit log entries', () => {
  it('record the review and publication of an announcement, each with its actor', async () => {
    const { leaderA, editor } = street
    const a = await payload.create({
      collection: 'announcements',
      data: { title: '楼道清理通知', grids: [street.gridA1.id], body: body('本周日清理楼道杂物。') },
      overrideAccess: false,
      user: asUser(leaderA),
    })
    expect(await about('announcements', a.id)).toEqual([]) // saving a draft is not audited

    const upd = (by: { id: Id }, data: Record<string, unknown>) =>
      payload.update({ collection: 'announcements', id: a.id, data, overrideAccess: false, user: asUser(by) })
    await upd(leaderA, { review: { status: 'pending' } })
    await upd(editor, { review: { status: 'returned', comment: '请注明时间段。' } })
    await upd(leaderA, { body: body('本周日 9:00-11:00 清理楼道杂物。'), review: { status: 'pending' } })
    await upd(editor, { review: { status: 'approved' } })
    await upd(leaderA, { _status: 'published' })
    await upd(editor, { _status: 'draft' })

    const log = await about('announcements', a.id)
    expect(actions(log)).toEqual(['submit', 'return', 'submit', 'approve', 'publish', 'unpublish'])
    expect(log.map(actorOf)).toEqual([leaderA, editor, leaderA, editor, leaderA, editor].map((u) => String(u.id)))
    expect(log.every((e) => e.targetCollection === 'announcements' && e.targetTitle === '楼道清理通知')).toBe(true)
    expect(log[1].detail).toBe('请注明时间段。')
    expect(log[0].actorName).toBe('leader-a')
  })

  it('record nothing for a refused publication', async () => {
    const a = await payload.create({
      collection: 'announcements',
      data: { title: '未审核的公告', grids: [street.gridA1.id], body: body('x') },
      overrideAccess: true,
    })
    await expect(
      payload.update({ collection: 'announcements', id: a.id, data: { _status: 'published' }, overrideAccess: false, user: asUser(street.leaderA) }),
    ).rejects.toThrow()
    expect(await about('announcements', a.id)).toEqual([])
  })

  it('record publication of every content type, and a republish after an unpublish', async () => {
    const e = await payload.create({
      collection: 'events',
      data: { title: '重阳节活动', startsAt: new Date().toISOString(), location: '社区活动室', wholeStreet: true },
      overrideAccess: true,
    })
    const i = await payload.create({ collection: 'issues', data: { title: '第一期', articles: [{ title: 'a', body: body('x') }] }, overrideAccess: true })
    const p = await payload.create({ collection: 'policies', data: { title: '医保新规', issuingBody: '区医保局', summary: 'x', body: body('x') }, overrideAccess: true })
    for (const [collection, id] of [['events', e.id], ['issues', i.id], ['policies', p.id]] as const) {
      const by = { overrideAccess: false, user: asUser(street.editor) }
      await payload.update({ collection, id, data: { _status: 'published' }, ...by })
      await payload.update({ collection, id, data: { title: `${collection} 已修改` }, ...by }) // an edit of published content
      await payload.update({ collection, id, data: { _status: 'draft' }, ...by })
      await payload.update({ collection, id, data: { _status: 'published' }, ...by })
      expect(actions(await about(collection, id)), collection).toEqual(['publish', 'unpublish', 'publish'])
    }
  })

  it('record role and binding changes (and user creation), not other edits', async () => {
    const admin = asUser(street.admin)
    const u = await payload.create({
      collection: 'users',
      data: { email: 'new-leader@test.local', password: PASSWORD, name: '新网格长', role: 'grid-leader', grids: [street.gridA2.id] },
      overrideAccess: false,
      user: admin,
    })
    await payload.update({ collection: 'users', id: u.id, data: { phone: '13800000000' }, overrideAccess: false, user: admin })
    await payload.update({ collection: 'users', id: u.id, data: { grids: [street.gridA1.id, street.gridA2.id] }, overrideAccess: false, user: admin })
    await payload.update({ collection: 'users', id: u.id, data: { role: 'editor' }, overrideAccess: false, user: admin })

    const log = (await about('users', u.id)).filter((e) => e.action === 'role-change')
    expect(log).toHaveLength(3)
    // The detail says what was granted: role and its grids, in the admin's language.
    expect(log.map((e) => e.detail)).toEqual(['- → 网格长 [A-02]', '网格长 [A-02] → 网格长 [A-01, A-02]', '网格长 [A-01, A-02] → 编辑'])
    expect(log.every((e) => actorOf(e) === String(street.admin.id) && e.targetCollection === 'users')).toBe(true)
  })

  it('record logins, through the Local API and REST, and not failed ones', async () => {
    const before = (await about('users', street.leaderB.id).then((l) => l.filter((e) => e.action === 'login'))).length
    await payload.login({ collection: 'users', data: { email: street.leaderB.email, password: PASSWORD } })
    const r = await rest('POST', 'users/login', { body: { email: street.leaderB.email, password: PASSWORD } })
    expect(r.status).toBe(200)
    const bad = await rest('POST', 'users/login', { body: { email: street.leaderB.email, password: 'wrong-password' } })
    expect(bad.status).toBe(401)
    const logins = await about('users', street.leaderB.id).then((l) => l.filter((e) => e.action === 'login'))
    expect(logins.length - before).toBe(2)
    expect(logins.slice(before).every((e) => actorOf(e) === String(street.leaderB.id))).toBe(true)
  })
})

describe('reading the audit log', () => {
  it('is for admins only, through the Local API and REST', async () => {
    const { docs } = await payload.find({ collection: 'audit-log', overrideAccess: false, user: asUser(street.admin), limit: 1 })
    expect(docs.length).toBe(1)
    for (const u of [street.editor, street.staffA, street.leaderA]) {
      await expect(payload.find({ collection: 'audit-log', overrideAccess: false, user: asUser(u) })).rejects.toMatchObject({ status: 403 })
      const token = await tokenFor(payload, u.email, PASSWORD)
      expect((await rest('GET', 'audit-log', { token })).status).toBe(403)
    }
    expect((await rest('GET', 'audit-log')).status).toBe(403)
    const adminToken = await tokenFor(payload, street.admin.email, PASSWORD)
    const r = await rest('GET', 'audit-log?limit=5', { token: adminToken })
    expect(r.status).toBe(200)
    expect(r.body.docs.length).toBeGreaterThan(0)
  })

  it('cannot be written or changed through the API, even by an admin', async () => {
    const adminToken = await tokenFor(payload, street.admin.email, PASSWORD)
    const [first] = await entries({})
    expect((await rest('POST', 'audit-log', { token: adminToken, body: { action: 'export' } })).status).toBe(403)
    expect((await rest('PATCH', `audit-log/${(first as unknown as { id: Id }).id}`, { token: adminToken, body: { detail: '篡改' } })).status).toBe(403)
    expect((await rest('DELETE', `audit-log/${(first as unknown as { id: Id }).id}`, { token: adminToken })).status).toBe(403)
    const [still] = await entries({})
    expect(still).toEqual(first)
  })
})
