import type { Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import { body, PASSWORD, smallStreet } from '../support/fixtures'
import { rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'

/**
 * Draft, scheduled and published at the data level: what a reader may see is
 * the main document when its _status is published; drafts live in versions.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let editor: Record<string, unknown>

type Doc = { id: string | number; title: string; _status: string; publishedAt?: string | null; withdrawnAt?: string | null }

const publishedIds = async (collection: 'events' | 'policies' | 'issues' | 'announcements') =>
  (
    await payload.find({ collection, where: { _status: { equals: 'published' } }, limit: 0, overrideAccess: true, depth: 0 })
  ).docs.map((d) => String(d.id))

/** The main document as stored (never a draft version). */
const main = async (collection: string, id: string | number) =>
  (await payload.findByID({ collection: collection as never, id, overrideAccess: true, depth: 0 })) as unknown as Doc

const event = (title: string, extra: Record<string, unknown> = {}) => ({
  title,
  startsAt: new Date(Date.now() + 86_400_000).toISOString(),
  location: '社区活动室',
  wholeStreet: true,
  ...extra,
})

const auditOf = async (action: string, targetId: string | number) =>
  (
    await payload.find({
      collection: 'audit-log',
      where: { and: [{ action: { equals: action } }, { targetId: { equals: String(targetId) } }] },
      overrideAccess: true,
      depth: 0,
    })
  ).docs

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  editor = { ...street.editor, collection: 'users' }
})

describe('draft, scheduled and published content', () => {
  it('a new draft is not published and has no publication date', async () => {
    const d = (await payload.create({ collection: 'events', data: event('草稿活动'), user: editor, overrideAccess: false })) as unknown as Doc
    expect(d._status).toBe('draft')
    expect(d.publishedAt ?? null).toBeNull()
    expect(await publishedIds('events')).not.toContain(String(d.id))
  })

  it('publishing makes the main document published, with a publication date', async () => {
    const d = (await payload.create({ collection: 'events', data: event('发布的活动'), user: editor, overrideAccess: false })) as unknown as Doc
    const p = (await payload.update({ collection: 'events', id: d.id, data: { _status: 'published' }, user: editor, overrideAccess: false })) as unknown as Doc
    expect(p._status).toBe('published')
    expect(Date.parse(p.publishedAt!)).toBeGreaterThan(Date.now() - 60_000)
    expect(await publishedIds('events')).toContain(String(d.id))
  })

  it('a draft saved over a published content leaves the published version in place', async () => {
    const d = (await payload.create({
      collection: 'events',
      data: { ...event('已发布标题'), _status: 'published' },
      user: editor,
      overrideAccess: false,
    })) as unknown as Doc
    const firstPublishedAt = d.publishedAt
    await payload.update({ collection: 'events', id: d.id, data: { title: '草稿中的新标题' }, draft: true, user: editor, overrideAccess: false })

    const stored = await main('events', d.id)
    expect(stored.title).toBe('已发布标题')
    expect(stored._status).toBe('published')
    expect(stored.withdrawnAt ?? null).toBeNull()
    expect(await publishedIds('events')).toContain(String(d.id))
    // The editor sees the draft when asking for it.
    const latest = (await payload.findByID({ collection: 'events', id: d.id, draft: true, overrideAccess: true })) as unknown as Doc
    expect(latest.title).toBe('草稿中的新标题')
    expect(latest._status).toBe('draft')
    // Saving a draft is not an unpublish.
    expect(await auditOf('unpublish', d.id)).toHaveLength(0)

    // Publishing again puts the draft's content in the main document, keeping the first date.
    await payload.update({ collection: 'events', id: d.id, data: { _status: 'published' }, user: editor, overrideAccess: false })
    const republished = await main('events', d.id)
    expect(republished.title).toBe('草稿中的新标题')
    expect(republished.publishedAt).toBe(firstPublishedAt)
  })

  it('unpublishing (as the admin does it, through REST) withdraws it: withdrawnAt set, audit entry', async () => {
    const d = (await payload.create({
      collection: 'policies',
      data: { title: '将撤回的政策', issuingBody: '区民政局', summary: '解读', body: body('正文'), _status: 'published' },
      overrideAccess: true,
    })) as unknown as Doc
    expect(await publishedIds('policies')).toContain(String(d.id))
    const token = await tokenFor(payload, street.editor.email, PASSWORD)
    const r = await rest('PATCH', `policies/${d.id}?depth=0`, { token, body: { _status: 'draft' } })
    expect(r.status).toBe(200)

    const stored = await main('policies', d.id)
    expect(stored._status).toBe('draft')
    expect(Date.parse(stored.withdrawnAt!)).toBeGreaterThan(Date.now() - 60_000)
    expect(await publishedIds('policies')).not.toContain(String(d.id))
    const entries = await auditOf('unpublish', d.id)
    expect(entries).toHaveLength(1)
    expect(String(entries[0].actor)).toBe(String(street.editor.id))

    // Publishing it again clears the withdrawn mark.
    await payload.update({ collection: 'policies', id: d.id, data: { _status: 'published' }, overrideAccess: true })
    expect((await main('policies', d.id)).withdrawnAt ?? null).toBeNull()
  })

  it('a content scheduled for later stays a draft until the job runs', async () => {
    const d = (await payload.create({ collection: 'events', data: event('定时活动'), user: editor, overrideAccess: false })) as unknown as Doc
    await payload.jobs.queue({
      task: 'schedulePublish',
      input: { type: 'publish', doc: { relationTo: 'events', value: String(d.id) }, user: { relationTo: 'users', value: street.editor.id } },
      waitUntil: new Date(Date.now() + 3_600_000),
    } as never)
    expect((await main('events', d.id))._status).toBe('draft')
    expect(await publishedIds('events')).not.toContain(String(d.id))
  })

  it('announcements, issues and policies follow the same rule', async () => {
    const a = await payload.create({ collection: 'announcements', data: { title: '公告草稿', grids: [street.gridA1.id], body: body('x') }, overrideAccess: true })
    const i = await payload.create({ collection: 'issues', data: { title: '期刊草稿', articles: [{ title: 'a', body: body('x') }] }, overrideAccess: true })
    const p = await payload.create({ collection: 'policies', data: { title: '政策草稿', issuingBody: 'x', summary: 'x', body: body('x') }, overrideAccess: true })
    expect(await publishedIds('announcements')).not.toContain(String(a.id))
    expect(await publishedIds('issues')).not.toContain(String(i.id))
    expect(await publishedIds('policies')).not.toContain(String(p.id))
  })
})
