import { handleFormStateLocking } from '@payloadcms/ui/utilities/handleFormStateLocking'
import { createLocalReq, type Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import { t } from '../../src/i18n/messages'
import { body, type Id, PASSWORD, smallStreet } from '../support/fixtures'
import { testPayload } from '../support/payload'

/**
 * The time in the "someone is editing" dialog, through Payload's own lock
 * code on this leg's database (our access rules and holder-name hooks on
 * payload-locked-documents, our SQLite store): the time a second user is
 * shown is the lock's updatedAt, which is when the holder took the lock
 * until the holder edits, and then the holder's last edit (Payload bumps it,
 * handleFormStateLocking with updateLastEdited). Our code neither moves it
 * nor hands the second user the current time: the dialog (LockNotice.tsx)
 * prints it as the last edit, as Payload's own Chinese does (上次编辑时间),
 * where it said "自 … 起编辑" (editing since).
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let editor2: { id: Id }

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  editor2 = await payload.create({ collection: 'users', data: { email: 'editor2-lock@test.local', password: PASSWORD, name: '编辑二', role: 'editor' } as never, overrideAccess: true })
})

const reqFor = (id: Id) => createLocalReq({ user: { ...(street.editor.id === id ? street.editor : editor2), collection: 'users' } as never }, payload)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('the time a locked document shows a second user', () => {
  it('is when the holder took the lock, until the holder edits; then the holder’s last edit', async () => {
    const event = await payload.create({ collection: 'events', data: { title: '锁定时间', body: body('内容'), _status: 'draft' } as never, draft: true, overrideAccess: true })
    const locking = (id: Id, updateLastEdited = false) =>
      reqFor(id).then((req) => handleFormStateLocking({ id: event.id, collectionSlug: 'events', req, updateLastEdited }))

    const taken = Date.now()
    const holder = await locking(street.editor.id)
    expect(holder?.isLocked).toBe(true)
    await sleep(1500)

    // The second user opens the document: the form state says who holds it and since when.
    const opened = Date.now()
    const second = await locking(editor2.id)
    expect(second?.isLocked).toBe(true)
    expect((second?.user as { id: Id; name?: string }).name).toBe('editor')
    const shown = new Date(second!.lastEditedAt as string).getTime()
    expect(shown).toBeGreaterThanOrEqual(taken - 1000)
    expect(shown).toBeLessThan(opened - 1000)
    // As the document view reads it (getIsLocked: depth 1, the second user's access).
    const { docs } = await payload.find({ collection: 'payload-locked-documents' as never, depth: 1, overrideAccess: false, user: { ...editor2, collection: 'users' } as never })
    expect(docs).toHaveLength(1)
    expect(new Date((docs[0] as { updatedAt: string }).updatedAt).getTime()).toBe(shown)

    // The second user's own form-state calls (even one asking to update the time) leave it alone.
    await locking(editor2.id, true)
    expect(new Date((await locking(editor2.id))!.lastEditedAt as string).getTime()).toBe(shown)

    // The holder edits: Payload moves the lock's time to now, and the second user sees that.
    await sleep(1100)
    const edited = Date.now()
    await locking(street.editor.id, true)
    const after = new Date((await locking(editor2.id))!.lastEditedAt as string).getTime()
    expect(after).toBeGreaterThanOrEqual(edited - 1000)
    expect(after).toBeGreaterThan(shown + 1000)
  })
})

describe('the dialog’s line for that time', () => {
  it('says when the holder last edited, not since when', () => {
    // LockNotice.tsx prints it with lockTime (test/integration/admin-polish.test.ts).
    expect(t('lock.lastEdited', 'zh', { date: '2026年12月6日 19:49' })).toBe('上次编辑：2026年12月6日 19:49。')
    expect(t('lock.lastEdited', 'en', { date: '6 Dec 2026, 19:49' })).toBe('Last edited 6 Dec 2026, 19:49.')
  })
})
