import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { body, smallStreet, type Id } from '../support/fixtures'
import { rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'
import { startSite, type Site } from '../site/support'

/**
 * 期号 are taken at first publication, in publication order, consecutive:
 * drafts have none (未编号), concurrent publications get distinct consecutive
 * numbers without an error, a refused publication takes none, a withdrawal
 * and a republication keep the number, a deletion leaves no reuse, and nobody
 * can set or change a number.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let site: Site

type Issue = { id: Id; number?: number | null; _status?: string }
const asUser = (u: { id: Id }) => ({ ...u, collection: 'users' }) as never
const issueData = (title: string) => ({ title, articles: [{ title: '文章', body: body('正文') }] })
const createDraft = async (title: string) => (await payload.create({ collection: 'issues', data: issueData(title), overrideAccess: true })) as unknown as Issue
const publish = async (id: Id) =>
  (await payload.update({ collection: 'issues', id, data: { _status: 'published' }, user: asUser(street.editor), overrideAccess: false })) as unknown as Issue
/** The main document (what residents get) and the latest version (what the admin shows). */
const stored = async (id: Id) => (await payload.findByID({ collection: 'issues', id, overrideAccess: true, depth: 0 })) as unknown as Issue
const latest = async (id: Id) => (await payload.findByID({ collection: 'issues', id, draft: true, overrideAccess: true, depth: 0 })) as unknown as Issue
const numberOf = async (id: Id) => {
  const [m, l] = [await stored(id), await latest(id)]
  expect(l.number ?? null, 'the admin shows what is stored').toBe(m.number ?? null)
  return m.number ?? null
}
/** The highest number taken so far. */
const highest = async () => {
  const { docs } = await payload.find({ collection: 'issues', where: { number: { exists: true } }, sort: '-number', limit: 1, overrideAccess: true, depth: 0 })
  return Number((docs[0] as unknown as Issue | undefined)?.number ?? 0)
}

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  site = await startSite(payload)
})

afterAll(async () => {
  await site?.close()
})

describe('issue numbering', () => {
  it('a draft has no number, however often it is saved, through the Local API or REST', async () => {
    const draft = await createDraft('草稿不编号')
    expect(draft.number ?? null).toBeNull()
    await payload.update({ collection: 'issues', id: draft.id, data: { title: '草稿不编号（改）' }, draft: true, overrideAccess: true })
    expect(await numberOf(draft.id)).toBeNull()
    const token = await tokenFor(payload, street.editor.email, 'test-password-1')
    const created = await rest('POST', 'issues?draft=true', { token, body: { ...issueData('接口草稿'), number: 7, _status: 'draft' } })
    expect(created.status).toBe(201)
    expect(created.body.doc.number ?? null).toBeNull()
    expect(await numberOf(created.body.doc.id)).toBeNull()
    expect(await highest()).toBe(0)
  })

  it('numbers follow publication order, not creation order, one after another', async () => {
    const base = await highest()
    const [a, b, c] = [await createDraft('甲'), await createDraft('乙'), await createDraft('丙')]
    expect((await publish(c.id)).number).toBe(base + 1)
    expect((await publish(a.id)).number).toBe(base + 2)
    expect(await numberOf(b.id)).toBeNull()
    expect((await publish(b.id)).number).toBe(base + 3)
    expect([await numberOf(a.id), await numberOf(b.id), await numberOf(c.id)]).toEqual([base + 2, base + 3, base + 1])
    // Residents find each at its number.
    expect((await site.get(`/issues/${base + 1}`)).status).toBe(200)
  })

  it('two publications at the same moment get two consecutive numbers, without an error', async () => {
    for (let round = 0; round < 3; round++) {
      const base = await highest()
      const [x, y] = [await createDraft(`同时发布甲${round}`), await createDraft(`同时发布乙${round}`)]
      const results = await Promise.allSettled([publish(x.id), publish(y.id)])
      expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([])
      expect([await numberOf(x.id), await numberOf(y.id)].sort((m, n) => m! - n!)).toEqual([base + 1, base + 2])
    }
  })

  it('gives 12 concurrent publications 12 distinct consecutive numbers', async () => {
    const base = await highest()
    const drafts = await Promise.all(Array.from({ length: 12 }, (_, i) => createDraft(`并发第${i}期`)))
    const results = await Promise.allSettled(drafts.map((d) => publish(d.id)))
    expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([])
    const numbers = await Promise.all(drafts.map((d) => numberOf(d.id)))
    expect(numbers.sort((m, n) => m! - n!)).toEqual(Array.from({ length: 12 }, (_, i) => base + i + 1))
  })

  it('two publications of one issue at the same moment give it one number, and the next issue the one after', async () => {
    const base = await highest()
    const d = await createDraft('同一期同时发布')
    const results = await Promise.allSettled([publish(d.id), publish(d.id)])
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true)
    expect(await numberOf(d.id)).toBe(base + 1)
    const next = await createDraft('下一期')
    expect((await publish(next.id)).number).toBe(base + 2)
  })

  it('a refused publication takes no number: sensitive words, a missing required field', async () => {
    const base = await highest()
    await payload.updateGlobal({ slug: 'site-settings', data: { sensitiveWords: '代开发票' }, overrideAccess: true })
    const bad = await createDraft('内含敏感词')
    await payload.update({ collection: 'issues', id: bad.id, data: { summary: '代开发票' }, draft: true, overrideAccess: true })
    await expect(publish(bad.id)).rejects.toThrow()
    const incomplete = (await payload.create({
      collection: 'issues',
      data: { title: '缺文章标题', articles: [{ body: body('正文') }] } as never,
      draft: true,
      overrideAccess: true,
    })) as unknown as Issue
    await expect(publish(incomplete.id)).rejects.toThrow()
    expect([await numberOf(bad.id), await numberOf(incomplete.id)]).toEqual([null, null])
    const good = await createDraft('正常的一期')
    expect((await publish(good.id)).number).toBe(base + 1)
    await payload.updateGlobal({ slug: 'site-settings', data: { sensitiveWords: '' }, overrideAccess: true })
  })

  it('a correction, a withdrawal and a republication keep the number', async () => {
    const base = await highest()
    const issue = await publish((await createDraft('会被撤回的一期')).id)
    expect(issue.number).toBe(base + 1)
    await payload.update({ collection: 'issues', id: issue.id, data: { title: '更正稿' }, draft: true, user: asUser(street.editor), overrideAccess: false })
    expect(await numberOf(issue.id)).toBe(base + 1)
    await payload.update({ collection: 'issues', id: issue.id, data: { _status: 'draft' }, user: asUser(street.editor), overrideAccess: false })
    expect(await numberOf(issue.id)).toBe(base + 1)
    // A withdrawn issue is still known at its number: the withdrawn notice.
    expect((await site.get(`/issues/${base + 1}`)).status).toBe(410)
    const other = await publish((await createDraft('撤回期间发布的一期')).id)
    expect(other.number).toBe(base + 2)
    expect((await publish(issue.id)).number).toBe(base + 1)
    expect((await site.get(`/issues/${base + 1}`)).status).toBe(200)
  })

  it('continues after the latest issue is deleted, and never reuses its number', async () => {
    const last = await publish((await createDraft('将被删除的一期')).id)
    await payload.delete({ collection: 'issues', id: last.id, overrideAccess: true })
    const next = await publish((await createDraft('删除之后的一期')).id)
    expect(next.number).toBe(last.number! + 1)
  })

  it('cannot set or change a number, through the Local API or REST', async () => {
    const issue = await publish((await createDraft('期号不可修改')).id)
    const updated = await payload.update({
      collection: 'issues',
      id: issue.id,
      data: { number: 999, title: '期号不可修改（改标题）' },
      overrideAccess: false,
      user: asUser(street.editor),
    })
    expect(updated.number).toBe(issue.number)
    const token = await tokenFor(payload, street.admin.email, 'test-password-1')
    const r = await rest('PATCH', `issues/${issue.id}`, { token, body: { number: 1 } })
    expect(r.status).toBe(200)
    // Not even with access overridden.
    await payload.update({ collection: 'issues', id: issue.id, data: { number: 2 }, overrideAccess: true })
    expect(await numberOf(issue.id)).toBe(issue.number)
    expect((await stored(issue.id)) as unknown as { title: string }).toMatchObject({ title: '期号不可修改（改标题）' })
    const given = (await payload.create({ collection: 'issues', data: { ...issueData('自带期号'), number: 1, _status: 'published' }, overrideAccess: true })) as unknown as Issue
    expect(given.number).toBe(issue.number! + 1)
  })

  it('continues from the highest issue when the counter is missing (e.g. after a restore without it)', async () => {
    await publish((await createDraft('计数器丢失之前')).id)
    const top = await highest()
    await payload.delete({ collection: 'counters', where: { key: { equals: 'issues.number' } }, overrideAccess: true })
    expect((await payload.count({ collection: 'counters', overrideAccess: true })).totalDocs).toBe(0)
    expect((await publish((await createDraft('计数器丢失之后')).id)).number).toBe(top + 1)
    expect((await publish((await createDraft('再下一期')).id)).number).toBe(top + 2)
  })
})
