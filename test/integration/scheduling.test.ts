import type { Payload } from 'payload'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'

import { runDueJobs, startScheduler } from '../../src/jobs/scheduler'
import { body, smallStreet, type Id } from '../support/fixtures'
import { testPayload } from '../support/payload'

/**
 * Scheduled publishing: queued the way the admin's schedule drawer queues it
 * (a `schedulePublish` job with the document, the scheduling user and
 * waitUntil), fired by our job runner, never before its time.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>

type Doc = { id: Id; title: string; _status: string; withdrawnAt?: string | null; review?: { status?: string } }
const asUser = (u: { id: Id }) => ({ ...u, collection: 'users' }) as never

const main = async (collection: string, id: Id) =>
  (await payload.findByID({ collection: collection as never, id, overrideAccess: true, depth: 0 })) as unknown as Doc

/** What src/app's schedule drawer does (@payloadcms/ui schedulePublishHandler). */
function schedule(collection: string, id: Id, by: { id: Id }, at: Date, type: 'publish' | 'unpublish' = 'publish') {
  return payload.jobs.queue({
    task: 'schedulePublish',
    input: { type, doc: { relationTo: collection, value: String(id) }, user: { relationTo: 'users', value: by.id } },
    waitUntil: at,
  } as never) as Promise<{ id: Id }>
}

/** The job as stored; null once it completed (Payload deletes completed jobs). */
const job = async (id: Id) =>
  ((
    await payload.find({ collection: 'payload-jobs' as never, where: { id: { equals: id } }, overrideAccess: true, depth: 0 })
  ).docs[0] ?? null) as { completedAt?: string | null; hasError?: boolean } | null

const sleepUntil = async (t: Date) => {
  const ms = t.getTime() - Date.now()
  if (ms > 0) await new Promise((r) => setTimeout(r, ms + 50))
}

const event = (title: string) => ({
  title,
  startsAt: new Date(Date.now() + 86_400_000).toISOString(),
  location: '社区广场',
  wholeStreet: true,
})

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
})

describe('scheduled publishing', () => {
  let stop: (() => void) | undefined
  afterEach(() => {
    stop?.()
    stop = undefined
  })

  it('does not fire before its time, then publishes the latest draft content', async () => {
    const d = (await payload.create({ collection: 'events', data: event('定时发布的活动（初稿）'), overrideAccess: false, user: asUser(street.editor) })) as unknown as Doc
    await payload.update({ collection: 'events', id: d.id, data: { title: '定时发布的活动（终稿）' }, draft: true, overrideAccess: false, user: asUser(street.editor) })
    const at = new Date(Date.now() + 1500)
    const queued = await schedule('events', d.id, street.editor, at)

    await runDueJobs(payload)
    expect((await main('events', d.id))._status).toBe('draft')
    const waiting = await job(queued.id)
    expect(waiting).not.toBeNull()
    expect(waiting!.completedAt ?? null).toBeNull()

    await sleepUntil(at)
    await runDueJobs(payload)
    const published = await main('events', d.id)
    expect(published._status).toBe('published')
    expect(published.title).toBe('定时发布的活动（终稿）')
    const done = await job(queued.id)
    expect(done === null || Boolean(done.completedAt)).toBe(true)

    // Audited as the editor who scheduled it.
    const { docs } = await payload.find({
      collection: 'audit-log',
      where: { and: [{ action: { equals: 'publish' } }, { targetId: { equals: String(d.id) } }] },
      overrideAccess: true,
      depth: 0,
    })
    expect(docs.map((e) => String(e.actor))).toEqual([String(street.editor.id)])

    // Running again does nothing more.
    await runDueJobs(payload)
    const { totalDocs } = await payload.count({
      collection: 'audit-log',
      where: { and: [{ action: { equals: 'publish' } }, { targetId: { equals: String(d.id) } }] },
      overrideAccess: true,
    })
    expect(totalDocs).toBe(1)
  })

  it('a scheduled unpublish withdraws the content at its time', async () => {
    const d = (await payload.create({ collection: 'events', data: { ...event('到期撤回的活动'), _status: 'published' }, overrideAccess: true })) as unknown as Doc
    const at = new Date(Date.now() + 300)
    await schedule('events', d.id, street.editor, at, 'unpublish')
    await sleepUntil(at)
    await runDueJobs(payload)
    const after = await main('events', d.id)
    expect(after._status).toBe('draft')
    expect(after.withdrawnAt).toBeTruthy()
  })

  it('publishes as the scheduling user: a grid leader’s unapproved announcement is not published', async () => {
    const a = (await payload.create({
      collection: 'announcements',
      data: { title: '网格长定时公告', grids: [street.gridA1.id], body: body('周六停水') },
      overrideAccess: false,
      user: asUser(street.leaderA),
    })) as unknown as Doc
    const queued = await schedule('announcements', a.id, street.leaderA, new Date(Date.now() - 1000))
    await runDueJobs(payload)
    expect((await main('announcements', a.id))._status).toBe('draft')
    expect((await job(queued.id))?.hasError).toBe(true)

    // Once an editor approves it, the leader's scheduled publication goes through.
    await payload.update({ collection: 'announcements', id: a.id, data: { review: { status: 'pending' } }, overrideAccess: false, user: asUser(street.leaderA) })
    await payload.update({ collection: 'announcements', id: a.id, data: { review: { status: 'approved' } }, overrideAccess: false, user: asUser(street.editor) })
    await schedule('announcements', a.id, street.leaderA, new Date(Date.now() - 1000))
    await runDueJobs(payload)
    expect((await main('announcements', a.id))._status).toBe('published')
  })

  it('fires from the node-cron scheduler with nobody calling the runner', async () => {
    const d = (await payload.create({ collection: 'events', data: event('无人值守发布'), overrideAccess: true })) as unknown as Doc
    await schedule('events', d.id, street.editor, new Date(Date.now() + 500))
    stop = startScheduler(payload, '* * * * * *').stop
    const until = Date.now() + 15_000
    let status = 'draft'
    while (status !== 'published' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 250))
      status = (await main('events', d.id))._status
    }
    expect(status).toBe('published')
  })
})
