import type { Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import { body, smallStreet } from '../support/fixtures'
import { rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'

/**
 * Issue numbers come from an atomic counter: concurrent creations get distinct
 * consecutive numbers with no error, a deletion leaves no reuse, and nobody
 * can change a number afterwards.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>

const issueData = (title: string) => ({ title, articles: [{ title: '文章', body: body('正文') }] })
const createIssue = (title: string) =>
  payload.create({ collection: 'issues', data: issueData(title), overrideAccess: true }) as Promise<{ id: string | number; number: number }>

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
})

describe('issue numbering', () => {
  it('gives 20 concurrent creations 20 distinct consecutive numbers, without an error', async () => {
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => createIssue(`并发第${i}期`)))
    const failures = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))
    expect(failures).toEqual([])
    const numbers = results.map((r) => (r as PromiseFulfilledResult<{ number: number }>).value.number).sort((a, b) => a - b)
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    // What is stored agrees with what was returned.
    const stored = await payload.find({ collection: 'issues', limit: 0, draft: true, overrideAccess: true, sort: 'number' })
    expect(stored.docs.map((d) => d.number)).toEqual(numbers)
  })

  it('gives distinct numbers to concurrent creations through REST as well', async () => {
    const token = await tokenFor(payload, street.editor.email, 'test-password-1')
    const { totalDocs: before } = await payload.count({ collection: 'issues', overrideAccess: true })
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => rest('POST', 'issues', { token, body: issueData(`接口第${i}期`) })),
    )
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201))
    const numbers = results.map((r) => r.body.doc.number as number).sort((a, b) => a - b)
    expect(numbers).toEqual(Array.from({ length: 8 }, (_, i) => before + i + 1))
  })

  it('continues after the latest issue is deleted, and never reuses its number', async () => {
    const last = await createIssue('将被删除的一期')
    await payload.delete({ collection: 'issues', id: last.id, overrideAccess: true })
    const next = await createIssue('删除之后的一期')
    expect(next.number).toBe(last.number + 1)
  })

  it('cannot change a number by update, through the Local API or REST', async () => {
    const issue = await createIssue('期号不可修改')
    const updated = await payload.update({
      collection: 'issues',
      id: issue.id,
      data: { number: 999, title: '期号不可修改(改标题)' },
      overrideAccess: false,
      user: { ...street.editor, collection: 'users' } as never,
    })
    expect(updated.number).toBe(issue.number)
    const token = await tokenFor(payload, street.admin.email, 'test-password-1')
    const r = await rest('PATCH', `issues/${issue.id}`, { token, body: { number: 1 } })
    expect(r.status).toBe(200)
    const stored = await payload.findByID({ collection: 'issues', id: issue.id, overrideAccess: true, draft: true })
    expect(stored.number).toBe(issue.number)
    expect(stored.title).toBe('期号不可修改(改标题)')
  })

  it('continues from the highest issue when the counter is missing (e.g. after a restore without it)', async () => {
    await createIssue('计数器丢失之前')
    await createIssue('计数器丢失之前(二)')
    const { docs } = await payload.find({ collection: 'issues', sort: '-number', limit: 1, overrideAccess: true, draft: true })
    await payload.delete({ collection: 'counters', where: { key: { equals: 'issues.number' } }, overrideAccess: true })
    expect((await payload.count({ collection: 'counters', overrideAccess: true })).totalDocs).toBe(0)
    const next = await createIssue('计数器丢失之后')
    expect(next.number).toBe((docs[0].number as number) + 1)
    expect((await createIssue('再下一期')).number).toBe(next.number + 1)
  })

  it('ignores a number given at creation', async () => {
    const { docs } = await payload.find({ collection: 'issues', sort: '-number', limit: 1, overrideAccess: true, draft: true })
    const created = await payload.create({ collection: 'issues', data: { ...issueData('自带期号'), number: 1 }, overrideAccess: true })
    expect(created.number).toBe((docs[0].number as number) + 1)
  })

  it('keeps numbers unique when a draft is saved and published', async () => {
    const issue = await createIssue('草稿再发布')
    const draft = await payload.update({ collection: 'issues', id: issue.id, data: { title: '草稿改' }, draft: true, overrideAccess: true })
    const published = await payload.update({ collection: 'issues', id: issue.id, data: { _status: 'published' }, overrideAccess: true })
    expect([draft.number, published.number]).toEqual([issue.number, issue.number])
    const { totalDocs } = await payload.count({ collection: 'issues', where: { number: { equals: issue.number } }, overrideAccess: true })
    expect(totalDocs).toBe(1)
  })
})
