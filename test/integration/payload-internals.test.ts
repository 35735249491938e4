import fs from 'node:fs'
import path from 'node:path'

import '../support/admin-ui'

import { schedulePublishHandler } from '@payloadcms/ui/utilities/schedulePublishHandler'
import { createLocalReq, Forbidden, type Payload, type ServerFunction } from 'payload'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { serverFunctions } from '../../src/access/serverFunctions'
import { body, PASSWORD, smallStreet, type Id } from '../support/fixtures'
import { gql, gqlStatuses, rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'

/**
 * Payload's own collections and the admin's server functions, tried by staff
 * who should not get through: edit locks (`payload-locked-documents`, REST
 * and GraphQL), scheduled publishing (the `schedule-publish` server function,
 * `payload-jobs`), preferences, migrations, first-register, introspection and
 * every collection's /versions.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let tokens: Record<'admin' | 'editor' | 'editor2' | 'staffA' | 'leaderA', string>
let editor2: { id: Id; collection: 'users' }
let seq = 0

type Doc = { id: Id }
const LOCKS = 'payload-locked-documents'
const asUser = (u: { id: Id }) => ({ ...u, collection: 'users' }) as never
const ref = (u: { id: Id }) => ({ relationTo: 'users', value: u.id })

/** Payload's own server functions, as handleServerFunctions looks them up: ours (layout.tsx passes them) first. */
const PAYLOAD_FUNCTIONS: Record<string, ServerFunction<any, any>> = {
  'schedule-publish': schedulePublishHandler,
  'form-state': async (args) => (await import('@payloadcms/ui/utilities/buildFormState')).buildFormStateHandler(args),
}
async function serverFunction(name: string, user: { id: Id }, args: Record<string, unknown>) {
  const req = await createLocalReq({ user: asUser(user) }, payload)
  const fn = serverFunctions[name] ?? PAYLOAD_FUNCTIONS[name]
  return fn({ ...args, req, importMap: {}, cookies: new Map(), permissions: {} as never, user: req.user } as never)
}

const announcement = async (grids: Id[], title = `公告${++seq}`) =>
  (await payload.create({ collection: 'announcements', data: { title, grids, body: body('内容') } as never, overrideAccess: true })) as unknown as Doc
const lockOn = async (target: { collection: string; id: Id } | { global: string }, by: { id: Id }) =>
  (await payload.create({
    collection: LOCKS as never,
    data: ('global' in target ? { globalSlug: target.global, user: ref(by) } : { document: { relationTo: target.collection, value: target.id }, user: ref(by) }) as never,
    overrideAccess: true,
  })) as unknown as Doc
const locks = async () =>
  (await payload.find({ collection: LOCKS as never, depth: 0, limit: 0, overrideAccess: true })).docs as unknown as {
    id: Id
    document?: { relationTo: string; value: Id }
    globalSlug?: string
    user: { value: Id }
  }[]
const clearLocks = () => payload.delete({ collection: LOCKS as never, where: { id: { exists: true } }, overrideAccess: true })

let annA1: Doc
let annB1: Doc
let annA1B1: Doc
let issue: Doc

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  editor2 = { ...((await payload.create({ collection: 'users', data: { email: 'editor2@test.local', password: PASSWORD, name: 'editor2', role: 'editor' } as never, overrideAccess: true })) as unknown as Doc), collection: 'users' }
  tokens = {
    admin: await tokenFor(payload, 'admin@test.local', PASSWORD),
    editor: await tokenFor(payload, 'editor@test.local', PASSWORD),
    editor2: await tokenFor(payload, 'editor2@test.local', PASSWORD),
    staffA: await tokenFor(payload, 'staff-a@test.local', PASSWORD),
    leaderA: await tokenFor(payload, 'leader-a@test.local', PASSWORD),
  }
  annA1 = await announcement([street.gridA1.id])
  annB1 = await announcement([street.gridB1.id])
  annA1B1 = await announcement([street.gridA1.id, street.gridB1.id])
  issue = (await payload.create({ collection: 'issues', data: { title: '第一期', articles: [{ title: 'a', body: body('x') }] } as never, overrideAccess: true, draft: true })) as unknown as Doc
})

beforeEach(async () => {
  await clearLocks()
})

describe('edit locks over REST', () => {
  const post = (token: string, data: Record<string, unknown>) => rest('POST', LOCKS, { token, body: data })
  const docLock = (collection: string, id: Id, user: { id: Id }) => ({ document: { relationTo: collection, value: id }, user: ref(user) })

  it.each(['leaderA', 'staffA'] as const)('%s cannot lock another grid’s announcement, the site settings, an issue, or anything in someone else’s name', async (who) => {
    const me = who === 'leaderA' ? street.leaderA : street.staffA
    const attempts = [
      docLock('announcements', annB1.id, me), // another community's grid
      docLock('announcements', annA1B1.id, me), // readable, but not theirs to edit
      docLock('issues', issue.id, me),
      { globalSlug: 'site-settings', user: ref(me) },
      docLock('announcements', annA1.id, street.editor), // their own grid, in an editor's name
      { globalSlug: 'site-settings', user: ref(street.admin) },
      { document: { relationTo: 'announcements', value: annA1.id }, globalSlug: 'site-settings', user: ref(me) },
    ]
    for (const data of attempts) expect((await post(tokens[who], data)).status, JSON.stringify(data)).toBe(403)
    expect(await locks()).toEqual([])
    // The editor's save is not held up by any of it.
    const saved = await rest('PATCH', `announcements/${annB1.id}`, { token: tokens.editor, body: { title: `乙一网格公告${++seq}` } })
    expect(saved.status).toBe(200)
    const settings = await rest('POST', 'globals/site-settings', { token: tokens.admin, body: { hotline: '0831-7654321' } })
    expect(settings.status).toBe(200)
    // A lock on their own announcement, in their own name, is theirs to take.
    expect((await post(tokens[who], docLock('announcements', annA1.id, me))).status).toBe(201)
  })

  it('a lock in an editor’s name, had it been made, would block the editor (423): what the refusal prevents', async () => {
    await lockOn({ collection: 'announcements', id: annB1.id }, street.admin)
    expect((await rest('PATCH', `announcements/${annB1.id}`, { token: tokens.editor, body: { title: '被锁' } })).status).toBe(423)
  })

  it('lists only one’s own locks and those on documents one may read; others’ are 403 to read, change and delete', async () => {
    const onB1 = await lockOn({ collection: 'announcements', id: annB1.id }, street.editor)
    const onIssue = await lockOn({ collection: 'issues', id: issue.id }, street.editor)
    const onShared = await lockOn({ collection: 'announcements', id: annA1B1.id }, street.editor)
    const onSettings = await lockOn({ global: 'site-settings' }, street.admin)
    const own = await lockOn({ collection: 'announcements', id: annA1.id }, street.leaderA)

    const listed = await rest('GET', `${LOCKS}?limit=100&depth=0`, { token: tokens.leaderA })
    expect(listed.status).toBe(200)
    // The shared announcement and the settings are readable to the leader, so "being edited by" shows there.
    expect(listed.body.docs.map((d: Doc) => String(d.id)).sort()).toEqual([onShared.id, onSettings.id, own.id].map(String).sort())
    const staffListed = await rest('GET', `${LOCKS}?limit=100&depth=0`, { token: tokens.staffA })
    expect(staffListed.body.docs.map((d: Doc) => String(d.id)).sort()).toEqual([onShared.id, onSettings.id, own.id].map(String).sort())
    const editorListed = await rest('GET', `${LOCKS}?limit=100&depth=0`, { token: tokens.editor })
    expect(editorListed.body.docs).toHaveLength(5)

    for (const hidden of [onB1, onIssue]) {
      expect((await rest('GET', `${LOCKS}/${hidden.id}`, { token: tokens.leaderA })).status).toBe(403)
    }
    for (const other of [onB1, onIssue, onShared, onSettings]) {
      expect((await rest('PATCH', `${LOCKS}/${other.id}`, { token: tokens.leaderA, body: { user: ref(street.leaderA) } })).status).toBe(403)
      expect((await rest('DELETE', `${LOCKS}/${other.id}`, { token: tokens.leaderA })).status).toBe(403)
      expect((await rest('DELETE', `${LOCKS}/${other.id}`, { token: tokens.staffA })).status).toBe(403)
    }
    // Bulk: only their own lock goes.
    const bulk = await rest('DELETE', `${LOCKS}?where[id][exists]=true`, { token: tokens.leaderA })
    expect(bulk.status).toBe(200)
    expect((await locks()).map((l) => String(l.id)).sort()).toEqual([onB1.id, onIssue.id, onShared.id, onSettings.id].map(String).sort())
    // Not even their own lock may be moved to someone else's name or to another document.
    const mine = await lockOn({ collection: 'announcements', id: annA1.id }, street.leaderA)
    expect((await rest('PATCH', `${LOCKS}/${mine.id}`, { token: tokens.leaderA, body: { user: ref(street.editor) } })).status).toBe(403)
    expect((await rest('PATCH', `${LOCKS}/${mine.id}`, { token: tokens.leaderA, body: { user: ref(street.leaderA), document: { relationTo: 'announcements', value: annB1.id } } })).status).toBe(403)
    expect((await rest('PATCH', `${LOCKS}/${mine.id}`, { token: tokens.leaderA, body: {} })).status).toBe(403)
  })

  it('an editor’s lock, take-over and unlock work as the admin does them', async () => {
    // Editor opens the document: the admin's form-state takes the lock.
    await serverFunction('form-state', street.editor, formStateArgs('announcements', annB1.id))
    const [held] = await locks()
    expect(held).toMatchObject({ document: { relationTo: 'announcements' }, user: { value: street.editor.id } })
    expect(String(held.document!.value)).toBe(String(annB1.id))
    // A second editor opens it: finds the lock as the admin does, and takes it over (PATCH with their own name).
    const found = await rest('GET', `${LOCKS}?where[document.relationTo][equals]=announcements&where[document.value][equals]=${annB1.id}`, { token: tokens.editor2 })
    expect(found.body.docs.map((d: Doc) => String(d.id))).toEqual([String(held.id)])
    expect((await rest('PATCH', `announcements/${annB1.id}`, { token: tokens.editor2, body: { title: '锁住时' } })).status).toBe(423)
    const taken = await rest('PATCH', `${LOCKS}/${held.id}`, { token: tokens.editor2, body: { user: ref(editor2) } })
    expect(taken.status).toBe(200)
    expect(String((await locks())[0].user.value)).toBe(String(editor2.id))
    expect((await rest('PATCH', `announcements/${annB1.id}`, { token: tokens.editor2, body: { title: `接手后${++seq}` } })).status).toBe(200)
    // Leaving the document releases one's own lock.
    const again = await lockOn({ collection: 'announcements', id: annB1.id }, editor2)
    expect((await rest('DELETE', `${LOCKS}/${again.id}`, { token: tokens.editor2 })).status).toBe(200)
    // A lock on a document the editor may update can be released by that editor, as a take-over could.
    const stale = await lockOn({ global: 'site-settings' }, street.admin)
    expect((await rest('DELETE', `${LOCKS}/${stale.id}`, { token: tokens.editor })).status).toBe(403)
    expect((await rest('DELETE', `${LOCKS}/${stale.id}`, { token: tokens.admin })).status).toBe(200)
    const other = await lockOn({ collection: 'issues', id: issue.id }, editor2)
    expect((await rest('DELETE', `${LOCKS}/${other.id}`, { token: tokens.editor })).status).toBe(200)
    // A grid leader locks and unlocks their own announcement.
    const created = await rest('POST', LOCKS, { token: tokens.leaderA, body: { document: { relationTo: 'announcements', value: annA1.id }, user: ref(street.leaderA) } })
    expect(created.status).toBe(201)
    expect((await rest('DELETE', `${LOCKS}/${created.body.doc.id}`, { token: tokens.leaderA })).status).toBe(200)
    expect(await locks()).toEqual([])
  })
})

describe('edit locks over GraphQL', () => {
  const create = (token: string, data: Record<string, unknown>) =>
    gql(`mutation ($data: mutationPayloadLockedDocumentInput!) { createPayloadLockedDocument(data: $data) { id } }`, { data }, { token })

  it.each(['leaderA', 'staffA'] as const)('%s cannot create, list, take over or delete others’ locks', async (who) => {
    const me = who === 'leaderA' ? street.leaderA : street.staffA
    for (const data of [
      { document: { relationTo: 'announcements', value: annB1.id }, user: ref(me) },
      { globalSlug: 'site-settings', user: ref(me) },
      { document: { relationTo: 'announcements', value: annA1.id }, user: ref(street.editor) },
    ]) {
      const r = await create(tokens[who], data)
      expect(gqlStatuses(r), JSON.stringify(data)).toEqual([403])
    }
    expect(await locks()).toEqual([])

    const onB1 = await lockOn({ collection: 'announcements', id: annB1.id }, street.editor)
    const onSettings = await lockOn({ global: 'site-settings' }, street.admin)
    const listed = await gql(`{ PayloadLockedDocuments(limit: 100) { docs { id } } }`, {}, { token: tokens[who] })
    expect(listed.body.data.PayloadLockedDocuments.docs.map((d: Doc) => String(d.id))).toEqual([String(onSettings.id)])
    expect(gqlStatuses(await gql(`query ($id: ${typeof onB1.id === 'number' ? 'Int' : 'String'}!) { PayloadLockedDocument(id: $id) { id } }`, { id: onB1.id }, { token: tokens[who] }))).toEqual([403])
    for (const lock of [onB1, onSettings]) {
      const idType = typeof lock.id === 'number' ? 'Int' : 'String'
      const taken = await gql(
        `mutation ($id: ${idType}!, $data: mutationPayloadLockedDocumentUpdateInput!) { updatePayloadLockedDocument(id: $id, data: $data) { id } }`,
        { id: lock.id, data: { user: ref(me) } },
        { token: tokens[who] },
      )
      expect(gqlStatuses(taken)).toEqual([403])
      expect(gqlStatuses(await gql(`mutation ($id: ${idType}!) { deletePayloadLockedDocument(id: $id) { id } }`, { id: lock.id }, { token: tokens[who] }))).toEqual([403])
    }
    expect((await locks()).map((l) => String(l.user.value)).sort()).toEqual([street.admin.id, street.editor.id].map(String).sort())
  })
})

/** What the admin's edit view sends to form-state when a document is opened (server components mocked). */
function formStateArgs(collection: string, id: Id) {
  return {
    collectionSlug: collection,
    id,
    operation: 'update',
    schemaPath: collection,
    formState: {},
    data: {},
    docPermissions: { fields: true, update: true, read: true },
    docPreferences: { fields: {} },
    returnLockStatus: true,
    renderAllFields: false,
    mockRSCs: true,
    skipValidation: true,
  }
}

describe('the admin’s form-state server function', () => {
  it('takes an edit lock only on a document the user may update', async () => {
    for (const id of [annB1.id, annA1B1.id]) await serverFunction('form-state', street.leaderA, formStateArgs('announcements', id))
    await serverFunction('form-state', street.leaderA, formStateArgs('issues', issue.id)).catch(() => null)
    expect(await locks()).toEqual([])
    await serverFunction('form-state', street.leaderA, formStateArgs('announcements', annA1.id))
    expect((await locks()).map((l) => String(l.user.value))).toEqual([String(street.leaderA.id)])
  })
})

describe('scheduled publishing from the admin (schedule-publish)', () => {
  const at = () => new Date(Date.now() + 3_600_000)
  const scheduled = async () =>
    (await payload.find({ collection: 'payload-jobs' as never, where: { taskSlug: { equals: 'schedulePublish' } }, depth: 0, limit: 0, overrideAccess: true })).docs as unknown as {
      id: Id
      input: { doc?: { relationTo: string; value: string }; user?: { value: Id } }
    }[]
  const schedule = (user: { id: Id }, collection: string, id: Id) =>
    serverFunction('schedule-publish', user, { type: 'publish', date: at(), doc: { relationTo: collection, value: String(id) } }) as Promise<{ error?: string; message?: string }>

  beforeEach(async () => {
    await payload.delete({ collection: 'payload-jobs' as never, where: { taskSlug: { equals: 'schedulePublish' } }, overrideAccess: true })
  })

  it('a grid leader cannot cancel an editor’s scheduled publication, nor schedule one on a document they may not update', async () => {
    expect(await schedule(street.editor, 'issues', issue.id)).toMatchObject({ message: expect.any(String) })
    expect(await schedule(street.editor, 'announcements', annB1.id)).toMatchObject({ message: expect.any(String) })
    const editorJobs = await scheduled()
    expect(editorJobs).toHaveLength(2)

    for (const job of editorJobs) {
      const r = (await serverFunction('schedule-publish', street.leaderA, { deleteID: job.id })) as { error?: string }
      expect(r.error).toBe('您无权为这条内容安排或取消定时发布。')
    }
    expect((await serverFunction('schedule-publish', street.staffA, { deleteID: editorJobs[1].id })) as { error?: string }).toMatchObject({ error: expect.any(String) })
    for (const target of [['issues', issue.id], ['announcements', annB1.id], ['announcements', annA1B1.id]] as const) {
      expect((await schedule(street.leaderA, target[0], target[1])).error).toBe('您无权为这条内容安排或取消定时发布。')
    }
    expect((await scheduled()).map((j) => String(j.id)).sort()).toEqual(editorJobs.map((j) => String(j.id)).sort())
  })

  it('a grid leader schedules and cancels on their own grid’s announcement; an editor cancels anyone’s; a cancel queues nothing', async () => {
    expect(await schedule(street.leaderA, 'announcements', annA1.id)).toMatchObject({ message: expect.any(String) })
    const [mine] = await scheduled()
    expect(String(mine.input.user!.value)).toBe(String(street.leaderA.id))
    expect(await serverFunction('schedule-publish', street.leaderA, { deleteID: mine.id })).toMatchObject({ message: expect.any(String) })
    expect(await scheduled()).toEqual([])
    expect((await payload.count({ collection: 'payload-jobs' as never, overrideAccess: true })).totalDocs).toBe(0)

    await schedule(street.leaderA, 'announcements', annA1.id)
    const [again] = await scheduled()
    expect(await serverFunction('schedule-publish', street.editor, { deleteID: again.id })).toMatchObject({ message: expect.any(String) })
    expect(await scheduled()).toEqual([])
    expect((await serverFunction('schedule-publish', street.editor, { deleteID: again.id })) as { error?: string }).toMatchObject({ error: '找不到这项定时发布，它可能已经执行或被取消。' })
  })

  it('payload-jobs (and Payload’s key-value store) are closed over REST and GraphQL to every staff member', async () => {
    await schedule(street.editor, 'issues', issue.id)
    const [job] = await scheduled()
    for (const token of Object.values(tokens)) {
      expect((await rest('GET', 'payload-jobs', { token })).status).toBe(403)
      expect((await rest('GET', `payload-jobs/${job.id}`, { token })).status).toBe(403)
      expect((await rest('DELETE', `payload-jobs/${job.id}`, { token })).status).toBe(403)
      expect((await rest('PATCH', `payload-jobs/${job.id}`, { token, body: { waitUntil: new Date().toISOString() } })).status).toBe(403)
      const listed = await gql(`{ PayloadJobs { docs { id } } }`, {}, { token })
      expect(listed.body.data?.PayloadJobs?.docs ?? null).toBeNull()
      expect(gqlStatuses(listed).length + (listed.status >= 400 ? 1 : 0)).toBeGreaterThan(0)
      // Payload's HTTP runners: our node-cron runner is the only one (docs/databases.md).
      for (const run of ['payload-jobs/run', 'payload-jobs/handle-schedules']) expect([401, 403], run).toContain((await rest('GET', run, { token })).status)
      expect((await rest('GET', 'payload-kv', { token })).status).toBe(403)
      expect((await rest('POST', 'payload-kv', { token, body: { key: 'k', data: {} } })).status).toBe(403)
    }
    expect(await scheduled()).toHaveLength(1)
  })
})

describe('other surfaces of Payload', () => {
  it('preferences are per user: nobody reads, changes or deletes another’s', async () => {
    const key = `collection-announcements-${++seq}`
    expect((await rest('POST', `payload-preferences/${key}`, { token: tokens.leaderA, body: { value: { columns: ['title'] } } })).status).toBe(200)
    const row = (await payload.find({ collection: 'payload-preferences' as never, where: { key: { equals: key } }, overrideAccess: true, depth: 0 })).docs[0] as unknown as Doc
    // The key is looked up among the asker's own preferences only.
    expect((await rest('GET', `payload-preferences/${key}`, { token: tokens.editor })).body).toMatchObject({ value: null })
    expect((await rest('GET', `payload-preferences/${key}`, { token: tokens.leaderA })).body).toMatchObject({ value: { columns: ['title'] } })
    expect((await rest('GET', 'payload-preferences?limit=100', { token: tokens.editor })).body.docs.map((d: Doc) => String(d.id))).not.toContain(String(row.id))
    // By id: GET and DELETE are the by-key routes (the asker's own preferences), PATCH is Payload's update under its access.
    expect((await rest('GET', `payload-preferences/${row.id}`, { token: tokens.editor })).body).toMatchObject({ value: null })
    expect((await rest('PATCH', `payload-preferences/${row.id}`, { token: tokens.editor, body: { value: { columns: ['x'] } } })).status).toBe(403)
    await rest('DELETE', `payload-preferences/${row.id}`, { token: tokens.editor })
    await rest('DELETE', `payload-preferences/${key}`, { token: tokens.editor })
    // Writing "for" the leader lands in the writer's own name.
    const forged = await rest('POST', 'payload-preferences', { token: tokens.editor, body: { key: `${key}-forged`, value: { a: 1 }, user: ref(street.leaderA) } })
    const owner = forged.body.doc.user.value
    expect(String(typeof owner === 'object' ? owner.id : owner)).toBe(String(street.editor.id))
    const after = (await payload.findByID({ collection: 'payload-preferences' as never, id: row.id, overrideAccess: true, depth: 0 })) as unknown as { value: unknown }
    expect(after.value).toEqual({ columns: ['title'] })
    expect((await rest('GET', 'payload-preferences', {})).status).toBe(403)
  })

  it('migrations are the admins’ alone (no REST or GraphQL; the admin’s list views read through access)', async () => {
    for (const [user, allowed] of [[street.leaderA, false], [street.editor, false], [street.admin, true]] as const) {
      const r = await payload.find({ collection: 'payload-migrations' as never, overrideAccess: false, user: asUser(user) }).then(() => 'ok', (e) => (e instanceof Forbidden ? 'forbidden' : String(e)))
      expect(r).toBe(allowed ? 'ok' : 'forbidden')
    }
    // Payload mounts no REST route for it (501 Not Implemented).
    expect((await rest('GET', 'payload-migrations', { token: tokens.admin })).status).toBe(501)
  })

  it('registering a first user is refused once staff exist', async () => {
    const r = await rest('POST', 'users/first-register', { body: { email: 'intruder@test.local', password: 'intruder-password-1', name: 'x', role: 'admin' } })
    expect(r.status).toBe(403)
    expect((await payload.count({ collection: 'users', where: { email: { equals: 'intruder@test.local' } }, overrideAccess: true })).totalDocs).toBe(0)
  })

  it('GraphQL introspection is refused in production', async () => {
    const before = process.env.NODE_ENV
    ;(process.env as Record<string, string>).NODE_ENV = 'production'
    try {
      const r = await gql('{ __schema { types { name } } }', {}, { token: tokens.admin })
      expect(r.body.data?.__schema ?? null).toBeNull()
      expect(JSON.stringify(r.body.errors)).toContain('introspection is not allowed')
    } finally {
      ;(process.env as Record<string, string | undefined>).NODE_ENV = before
    }
  })

  it('the access endpoint tells an outsider nothing is open to them', async () => {
    const r = await rest('GET', 'access', {})
    expect(r.status).toBe(200)
    expect(r.body.canAccessAdmin ?? false).toBe(false)
    const OPS = ['create', 'read', 'update', 'delete', 'readVersions', 'unlock'] as const
    const open = Object.entries(r.body.collections ?? {}).flatMap(([slug, p]) => OPS.filter((op) => (p as Record<string, unknown>)[op] === true).map((op) => `${slug}.${op}`))
    // Images and policy documents are public (resident pages show and link them); nothing else is open to an outsider through the API.
    expect(open.sort()).toEqual(['media.read', 'policy-documents.read'])
    expect(Object.values(r.body.globals ?? {}).filter((p) => OPS.some((op) => (p as Record<string, unknown>)[op] === true))).toEqual([])
  })

  it('every collection’s /versions answers an outsider and a grid leader only with what they may read', async () => {
    await payload.update({ collection: 'announcements', id: annB1.id, data: { title: `乙一网格公告${++seq}` } as never, overrideAccess: true })
    await payload.update({ collection: 'announcements', id: annA1.id, data: { title: `甲一网格公告${++seq}` } as never, overrideAccess: true })
    const versioned = payload.config.collections.filter((c) => c.versions).map((c) => c.slug)
    expect(versioned.sort()).toEqual(['announcements', 'events', 'issues', 'policies'])
    for (const slug of payload.config.collections.map((c) => c.slug)) {
      const anon = await rest('GET', `${slug}/versions?limit=100&depth=0`, {})
      // payload-preferences/versions is its "preference by key" route: no preference of that key (outsiders have none).
      if (slug === 'payload-preferences') expect(anon.body).toMatchObject({ value: null })
      else expect(anon.status, `${slug} anonymous`).not.toBe(200)
      const leader = await rest('GET', `${slug}/versions?limit=100&depth=0`, { token: tokens.leaderA })
      if (slug === 'payload-preferences') {
        expect(leader.body).toMatchObject({ value: null })
        continue
      }
      if (slug !== 'announcements') {
        // Collections without versions answer 500 from the database layer to staff who may read them (Payload 3.90): no data either way.
        expect(leader.status, `${slug} leader`).not.toBe(200)
        continue
      }
      expect(leader.status).toBe(200)
      const parents = new Set(leader.body.docs.map((v: { parent: Id | Doc }) => String(typeof v.parent === 'object' ? v.parent.id : v.parent)))
      expect(parents.has(String(annB1.id))).toBe(false)
      expect(parents.has(String(annA1.id))).toBe(true)
    }
    expect((await rest('GET', 'globals/site-settings/versions', {})).status).not.toBe(200)
    expect((await rest('GET', 'globals/site-settings/versions', { token: tokens.leaderA })).status).not.toBe(200)
  })

  it('the admin layout hands Payload our checked server functions', () => {
    const layout = fs.readFileSync(path.resolve('src/app/(payload)/layout.tsx'), 'utf8')
    expect(layout).toMatch(/import \{ serverFunctions \} from '\.\.\/\.\.\/access\/serverFunctions'/)
    expect(layout).toMatch(/handleServerFunctions\(\{[\s\S]*serverFunctions,[\s\S]*\}\)/)
    expect(Object.keys(serverFunctions).sort()).toEqual(['form-state', 'schedule-publish'])
  })
})
