import { Forbidden, type Payload } from 'payload'
import sharp from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'

import { body, PASSWORD, smallStreet, type Id } from '../support/fixtures'
import { gql, gqlStatuses, rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'

/**
 * Every role's access to every collection, through the Local API (as the
 * admin's server code calls it: overrideAccess false, with a user) and through
 * REST (Payload's own route handlers), from one table. A refusal must be a 403
 * and must leave the database as it was; both are checked for every cell.
 */

const ACTORS = ['admin', 'editor', 'staffA', 'leaderA', 'anon'] as const
type ActorName = (typeof ACTORS)[number]
type Op = 'create' | 'list' | 'listDrafts' | 'read' | 'update' | 'delete' | 'versions'

/**
 * Y allowed, N refused with 403, - not applicable. One letter per actor, in
 * the order admin, editor, community staff of A (grids ), grid
 * leader of A-01, anonymous. `announcements@A-01+B-01` is an announcement for
 * both grids.
 */
const TABLE: Record<string, Partial<Record<Op, string>>> = {
  //                         admin editor staffA leaderA anon
  issues: /*             */ { create: 'YYNNN', list: 'YYNNN', listDrafts: 'YYNNN', read: 'YYNNN', update: 'YYNNN', delete: 'YYNNN', versions: 'YYNNN' },
  events: /*             */ { create: 'YYNNN', list: 'YYNNN', listDrafts: 'YYNNN', read: 'YYNNN', update: 'YYNNN', delete: 'YYNNN', versions: 'YYNNN' },
  policies: /*           */ { create: 'YYNNN', list: 'YYNNN', listDrafts: 'YYNNN', read: 'YYNNN', update: 'YYNNN', delete: 'YYNNN', versions: 'YYNNN' },
  announcements: /*      */ { list: 'YYYYN', listDrafts: 'YYYYN', versions: 'YYYYN' },
  'announcements@A-01': /**/ { create: 'YYYYN', read: 'YYYYN', update: 'YYYYN', delete: 'YYYYN' },
  'announcements@A-02': /**/ { create: 'YYYNN', read: 'YYYNN', update: 'YYYNN', delete: 'YYYNN' },
  'announcements@B-01': /**/ { create: 'YYNNN', read: 'YYNNN', update: 'YYNNN', delete: 'YYNNN' },
  'announcements@A-01+A-02': { create: 'YYYNN', read: 'YYYYN', update: 'YYYNN', delete: 'YYYNN' },
  'announcements@A-01+B-01': { create: 'YYNNN', read: 'YYYYN', update: 'YYNNN', delete: 'YYNNN' },
  media: /*              */ { create: 'YYYYN', list: 'YYYYY', read: 'YYYYY', update: 'YYNNN', delete: 'YYNNN' },
  communities: /*        */ { create: 'YNNNN', list: 'YYYYN', read: 'YYYYN', update: 'YNNNN', delete: 'YNNNN' },
  grids: /*              */ { create: 'YNNNN', list: 'YYYYN', read: 'YYYYN', update: 'YNNNN', delete: 'YNNNN' },
  users: /*              */ { create: 'YNNNN', list: 'YYYYN' },
  'users@self': /*       */ { read: 'YYYY-', update: 'YYYY-', delete: '-NNN-' },
  'users@other': /*      */ { read: 'YNNNN', update: 'YNNNN', delete: 'YNNNN' },
  'audit-log': /*        */ { create: 'NNNNN', list: 'YNNNN', read: 'YNNNN', update: 'NNNNN', delete: 'NNNNN' },
  counters: /*           */ { create: 'NNNNN', list: 'NNNNN', read: 'NNNNN', update: 'NNNNN', delete: 'NNNNN' },
  'site-settings': /*    */ { read: 'YYYYN', update: 'YNNNN' },
  // Closed to everyone: a job runs as the user named in its input, so an open
  // jobs collection would let anyone publish as an editor.
  'payload-jobs': /*     */ { create: 'NNNNN', list: 'NNNNN', read: 'NNNNN', update: 'NNNNN', delete: 'NNNNN' },
  claims: /*             */ { create: 'NNNNN', list: 'NNNNN', read: 'NNNNN', update: 'NNNNN', delete: 'NNNNN' },
}

/** Which of the fixed announcements each actor's list shows (its versions list shows the same parents). */
const VISIBLE_ANNOUNCEMENTS: Record<Exclude<ActorName, 'anon'>, string[]> = {
  admin: ['A-01', 'A-02', 'B-01', 'A-01+A-02', 'A-01+B-01'],
  editor: ['A-01', 'A-02', 'B-01', 'A-01+A-02', 'A-01+B-01'],
  staffA: ['A-01', 'A-02', 'A-01+A-02', 'A-01+B-01'],
  leaderA: ['A-01', 'A-01+A-02', 'A-01+B-01'],
}

type Street = Awaited<ReturnType<typeof smallStreet>>
type Actor = { name: ActorName; user: Record<string, unknown> | null; token: string | null }
type Outcome = { status: number; doc?: any; docs?: any[] }

let payload: Payload
let street: Street
let actors: Record<ActorName, Actor>
let png: Buffer
let seq = 0
const unique = (prefix: string) => `${prefix}-${process.pid}-${++seq}`

const ANN_GRIDS = ['A-01', 'A-02', 'B-01', 'A-01+A-02', 'A-01+B-01'] as const
const gridIdsFor = (label: string): Id[] =>
  label.split('+').map((code) => ({ 'A-01': street.gridA1.id, 'A-02': street.gridA2.id, 'B-01': street.gridB1.id })[code]!)

/** Valid data to create one document of the row's collection. */
function createData(row: string): Record<string, unknown> {
  const [collection, target] = row.split('@')
  const title = unique('t')
  switch (collection) {
    case 'issues':
      return { title, articles: [{ title: '第一篇', body: body('正文') }] }
    case 'events':
      return { title, startsAt: new Date().toISOString(), location: '社区活动室', wholeStreet: true }
    case 'policies':
      return { title, issuingBody: '区民政局', summary: '通俗解读', body: body('正文') }
    case 'announcements':
      return { title, grids: gridIdsFor(target ?? 'A-01'), body: body('公告') }
    case 'media':
      return { alt: title }
    case 'communities':
      return { code: unique('C'), name: title }
    case 'grids':
      return { code: unique('G'), name: title, community: street.commA.id, households: 300 }
    case 'users':
      return { email: `${unique('u')}@test.local`, password: PASSWORD, name: title, role: 'editor' }
    case 'audit-log':
      return { action: 'export', detail: title }
    case 'counters':
      return { key: unique('k'), value: 1 }
    case 'payload-jobs':
      return {
        taskSlug: 'schedulePublish',
        queue: unique('q'),
        input: { type: 'publish', doc: { relationTo: 'issues', value: String(fixed.issues) }, user: { relationTo: 'users', value: street.editor.id } },
        waitUntil: new Date(Date.now() + 86_400_000).toISOString(),
      }
    case 'claims':
      return { scope: unique('s'), slot: 1, owner: 'test' }
  }
  throw new Error(`no data for ${row}`)
}

/** The field an update changes, so the test can see whether it did. */
const PROBE: Record<string, string> = {
  issues: 'title',
  events: 'title',
  policies: 'title',
  announcements: 'title',
  media: 'alt',
  communities: 'name',
  grids: 'name',
  users: 'name',
  'audit-log': 'detail',
  counters: 'value',
  'site-settings': 'hotline',
  'payload-jobs': 'queue',
  claims: 'owner',
}
const probeValue = (collection: string) => (collection === 'counters' ? 1000 + ++seq : unique('changed'))

const file = () => ({ data: png, mimetype: 'image/png', name: `${unique('img')}.png`, size: png.length })

/** A fresh document made with full access, for one attempt on it. */
async function freshDoc(row: string, actor: Actor): Promise<{ id: Id; [k: string]: any }> {
  const [collection, target] = row.split('@')
  if (collection === 'users' && target === 'self') return actor.user as { id: Id }
  return (await payload.create({
    collection: collection as never,
    data: createData(row) as never,
    overrideAccess: true,
    ...(collection === 'media' ? { file: file() } : {}),
  })) as { id: Id }
}

const stored = (collection: string, id: Id) =>
  payload.find({ collection: collection as never, where: { id: { equals: id } }, overrideAccess: true, draft: true, depth: 0 })
    .then((r) => (r.docs[0] as Record<string, unknown> | undefined) ?? null)

interface Driver {
  create(a: Actor, collection: string, data: Record<string, unknown>): Promise<Outcome>
  list(a: Actor, collection: string, draft: boolean): Promise<Outcome>
  read(a: Actor, collection: string, id: Id): Promise<Outcome>
  update(a: Actor, collection: string, id: Id, data: Record<string, unknown>): Promise<Outcome>
  remove(a: Actor, collection: string, id: Id): Promise<Outcome>
  versions(a: Actor, collection: string): Promise<Outcome>
  readGlobal(a: Actor): Promise<Outcome>
  updateGlobal(a: Actor, data: Record<string, unknown>): Promise<Outcome>
}

/** Run a Local API call; a refusal becomes its HTTP status (anything else unexpected is rethrown). */
async function local(fn: () => Promise<any>): Promise<Outcome> {
  try {
    const r = await fn()
    return { status: 200, doc: r, docs: r?.docs }
  } catch (err) {
    if (err instanceof Forbidden) return { status: 403 }
    const status = (err as { status?: number }).status
    if (status && status < 500) return { status }
    throw err
  }
}

const localDriver: Driver = {
  create: (a, collection, data) =>
    local(() =>
      payload.create({
        collection: collection as never,
        data: data as never,
        overrideAccess: false,
        user: a.user as never,
        ...(collection === 'media' ? { file: file() } : {}),
      }),
    ),
  list: (a, collection, draft) =>
    local(() => payload.find({ collection: collection as never, overrideAccess: false, user: a.user as never, draft, limit: 0, depth: 0 })),
  read: (a, collection, id) =>
    local(() => payload.findByID({ collection: collection as never, id, overrideAccess: false, user: a.user as never, depth: 0 })),
  update: (a, collection, id, data) =>
    local(() =>
      payload.update({ collection: collection as never, id, data: data as never, overrideAccess: false, user: a.user as never }),
    ),
  remove: (a, collection, id) =>
    local(() => payload.delete({ collection: collection as never, id, overrideAccess: false, user: a.user as never })),
  versions: (a, collection) =>
    local(() => payload.findVersions({ collection: collection as never, overrideAccess: false, user: a.user as never, limit: 0, depth: 0 })),
  readGlobal: (a) => local(() => payload.findGlobal({ slug: 'site-settings', overrideAccess: false, user: a.user as never })),
  updateGlobal: (a, data) =>
    local(() => payload.updateGlobal({ slug: 'site-settings', data: data as never, overrideAccess: false, user: a.user as never })),
}

const fromRest = async (p: ReturnType<typeof rest>): Promise<Outcome> => {
  const { status, body: b } = await p
  return { status, doc: b?.doc ?? b, docs: b?.docs }
}

const restDriver: Driver = {
  create: (a, collection, data) => {
    if (collection !== 'media') return fromRest(rest('POST', collection, { token: a.token, body: data }))
    const form = new FormData()
    const f = file()
    form.append('file', new Blob([new Uint8Array(f.data)], { type: f.mimetype }), f.name)
    form.append('_payload', JSON.stringify(data))
    return fromRest(rest('POST', collection, { token: a.token, form }))
  },
  list: (a, collection, draft) => fromRest(rest('GET', `${collection}?limit=0&depth=0${draft ? '&draft=true' : ''}`, { token: a.token })),
  read: (a, collection, id) => fromRest(rest('GET', `${collection}/${id}?depth=0`, { token: a.token })),
  update: (a, collection, id, data) => fromRest(rest('PATCH', `${collection}/${id}`, { token: a.token, body: data })),
  remove: (a, collection, id) => fromRest(rest('DELETE', `${collection}/${id}`, { token: a.token })),
  versions: (a, collection) => fromRest(rest('GET', `${collection}/versions?limit=0&depth=0`, { token: a.token })),
  readGlobal: (a) => fromRest(rest('GET', 'globals/site-settings', { token: a.token })),
  updateGlobal: (a, data) => fromRest(rest('POST', 'globals/site-settings', { token: a.token, body: data })),
}

const verdict = (o: Outcome) => (o.status < 300 ? 'Y' : o.status === 403 ? 'N' : `HTTP ${o.status}`)

/** Ids of the announcements every list test looks for, by grid label. */
const fixedAnnouncements: Record<string, Id> = {}
const labelOf = (id: Id) => Object.entries(fixedAnnouncements).find(([, v]) => String(v) === String(id))?.[0]
const fixed: Record<string, Id> = {}

/**
 * One attempt by one actor; returns the verdict and, for a refusal, checks the
 * database is unchanged (and for a success that the change happened).
 */
async function attempt(driver: Driver, row: string, op: Op, actor: Actor, problems: string[]): Promise<string> {
  const [collection] = row.split('@')
  const note = (m: string) => problems.push(`${actor.name} ${op} ${row}: ${m}`)

  if (collection === 'site-settings') {
    if (op === 'read') return verdict(await driver.readGlobal(actor))
    const before = await payload.findGlobal({ slug: 'site-settings', overrideAccess: true })
    const value = probeValue(collection)
    const v = verdict(await driver.updateGlobal(actor, { hotline: value }))
    const after = await payload.findGlobal({ slug: 'site-settings', overrideAccess: true })
    if (v === 'Y' && after.hotline !== value) note('reported success, hotline not changed')
    if (v === 'N' && after.hotline !== before.hotline) note('refused, but hotline changed')
    return v
  }

  switch (op) {
    case 'create': {
      const data = createData(row)
      const key = ({ users: 'email', counters: 'key', claims: 'scope' } as Record<string, string>)[collection] ?? PROBE[collection]
      const v = verdict(await driver.create(actor, collection, data))
      const { totalDocs } = await payload.count({
        collection: collection as never,
        where: { [key]: { equals: data[key] } },
        overrideAccess: true,
      })
      if (v === 'Y' && totalDocs !== 1) note(`reported success, ${totalDocs} documents stored`)
      if (v === 'N' && totalDocs !== 0) note('refused, but a document was stored')
      return v
    }
    case 'list':
    case 'listDrafts': {
      const o = await driver.list(actor, collection, op === 'listDrafts')
      const v = verdict(o)
      if (v === 'Y' && collection === 'announcements' && actor.name !== 'anon') {
        const seen = (o.docs ?? []).map((d) => labelOf(d.id)).filter(Boolean).sort()
        const want = [...VISIBLE_ANNOUNCEMENTS[actor.name]].sort()
        if (JSON.stringify(seen) !== JSON.stringify(want)) note(`saw ${seen.join(',')}, expected ${want.join(',')}`)
      }
      if (v === 'Y' && collection === 'users' && actor.name !== 'admin') {
        const ids = (o.docs ?? []).map((d) => String(d.id))
        if (JSON.stringify(ids) !== JSON.stringify([String(actor.user!.id)])) note(`saw users ${ids.join(',')}, expected only self`)
      }
      if (v === 'Y' && collection !== 'users' && collection !== 'announcements' && !(o.docs ?? []).length)
        note('allowed, but the list was empty (fixture missing?)')
      return v
    }
    case 'versions': {
      const o = await driver.versions(actor, collection)
      const v = verdict(o)
      if (v === 'Y' && collection === 'announcements') {
        const parents = [...new Set((o.docs ?? []).map((d) => labelOf(typeof d.parent === 'object' ? d.parent.id : d.parent)))]
          .filter(Boolean)
          .sort()
        const want = [...VISIBLE_ANNOUNCEMENTS[actor.name as Exclude<ActorName, 'anon'>]].sort()
        if (JSON.stringify(parents) !== JSON.stringify(want)) note(`versions of ${parents.join(',')}, expected ${want.join(',')}`)
      }
      return v
    }
    case 'read': {
      const id = row.startsWith('users@') ? (row === 'users@self' ? actor.user!.id : fixed.otherUser) : fixed[row]
      const o = await driver.read(actor, collection, id as Id)
      const v = verdict(o)
      if (v === 'Y' && String(o.doc?.id) !== String(id)) note(`allowed, but returned ${o.doc?.id}`)
      return v
    }
    case 'update': {
      const target = await freshDoc(row, actor)
      const field = PROBE[collection]
      const before = await stored(collection, target.id)
      const value = probeValue(collection)
      const v = verdict(await driver.update(actor, collection, target.id, { [field]: value }))
      const after = await stored(collection, target.id)
      if (v === 'Y' && after?.[field] !== value) note(`reported success, ${field} is ${after?.[field]}`)
      if (v === 'N' && after?.[field] !== before?.[field]) note(`refused, but ${field} changed to ${after?.[field]}`)
      return v
    }
    case 'delete': {
      const target = await freshDoc(row, actor)
      const v = verdict(await driver.remove(actor, collection, target.id))
      const after = await stored(collection, target.id)
      if (v === 'Y' && after) note('reported success, document still there')
      if (v === 'N' && !after) note('refused, but the document is gone')
      return v
    }
  }
}

const cells = Object.entries(TABLE).flatMap(([row, ops]) => Object.entries(ops).map(([op, expected]) => ({ row, op: op as Op, expected: expected! })))

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c00000' } }).png().toBuffer()
  const login = async (name: ActorName, email: string | null): Promise<Actor> => {
    if (!email) return { name, user: null, token: null }
    const { user, token } = await payload.login({ collection: 'users', data: { email, password: PASSWORD } })
    return { name, user: { ...user, collection: 'users' }, token: token! }
  }
  actors = {
    admin: await login('admin', street.admin.email),
    editor: await login('editor', street.editor.email),
    staffA: await login('staffA', street.staffA.email),
    leaderA: await login('leaderA', street.leaderA.email),
    anon: await login('anon', null),
  }
  // The documents read and listed (never changed by the tests).
  for (const row of ['issues', 'events', 'policies', 'media', 'communities', 'grids', 'audit-log', 'counters', 'payload-jobs', 'claims'])
    fixed[row] = (await freshDoc(row, actors.admin)).id
  for (const g of ANN_GRIDS) {
    const doc = await freshDoc(`announcements@${g}`, actors.admin)
    fixed[`announcements@${g}`] = fixedAnnouncements[g] = doc.id
    // A second version of each, so the versions list has something to scope.
    await payload.update({ collection: 'announcements', id: doc.id, data: { summary: '更新' }, overrideAccess: true })
  }
  fixed.otherUser = street.leaderB.id
})

describe.each([
  ['Local API', localDriver],
  ['REST', restDriver],
])('access table through the %s', (_name, driver) => {
  it.each(cells)('$row $op: $expected', async ({ row, op, expected }) => {
    const problems: string[] = []
    const got: string[] = []
    for (const [i, name] of ACTORS.entries()) {
      if (expected[i] === '-') {
        got.push('-')
        continue
      }
      const v = await attempt(driver, row, op, actors[name], problems)
      got.push(v.length === 1 ? v : `[${v}]`)
      if (v !== expected[i]) problems.push(`${name} ${op} ${row}: expected ${expected[i]}, got ${v}`)
    }
    expect(problems, `got ${got.join('')}`).toEqual([])
  })
})

describe('grid leader attempts that must change nothing', () => {
  const ann = async (grids: Id[], title = unique('公告')) =>
    (await payload.create({ collection: 'announcements', data: { title, grids, body: body('x') }, overrideAccess: true })) as {
      id: Id
      title: string
    }

  it('bulk updates and deletes are refused, even on their own grid', async () => {
    const own = await ann([street.gridA1.id])
    const where = { id: { equals: own.id } }
    await expect(
      payload.update({ collection: 'announcements', where, data: { title: '批量' }, overrideAccess: false, user: actors.leaderA.user as never }),
    ).rejects.toBeInstanceOf(Forbidden)
    await expect(
      payload.delete({ collection: 'announcements', where, overrideAccess: false, user: actors.leaderA.user as never }),
    ).rejects.toBeInstanceOf(Forbidden)
    const q = `announcements?where[id][equals]=${own.id}`
    expect((await rest('PATCH', q, { token: actors.leaderA.token, body: { title: '批量' } })).status).toBe(403)
    expect((await rest('DELETE', q, { token: actors.leaderA.token })).status).toBe(403)
    expect((await stored('announcements', own.id))?.title).toBe(own.title)
  })

  it('cannot move their announcement to another grid, or add one', async () => {
    const own = await ann([street.gridA1.id])
    for (const grids of [[street.gridB1.id], [street.gridA1.id, street.gridB1.id]]) {
      const r = await rest('PATCH', `announcements/${own.id}`, { token: actors.leaderA.token, body: { grids } })
      expect(r.status).toBe(403)
      const local = await localDriver.update(actors.leaderA, 'announcements', own.id, { grids })
      expect(local.status).toBe(403)
    }
    const after = await stored('announcements', own.id)
    expect((after?.grids as Id[]).map(String)).toEqual([String(street.gridA1.id)])
  })

  it('reads a version by id only of an announcement they may read', async () => {
    const versionOf = async (label: string) => {
      const { docs } = await payload.findVersions({
        collection: 'announcements',
        where: { parent: { equals: fixedAnnouncements[label] } },
        limit: 1,
        overrideAccess: true,
      })
      return docs[0].id as Id
    }
    for (const [label, expected] of [
      ['A-01', 200],
      ['A-01+B-01', 200],
      ['B-01', 403],
      ['A-02', 403],
    ] as const) {
      const id = await versionOf(label)
      const r = await rest('GET', `announcements/versions/${id}`, { token: actors.leaderA.token })
      expect(r.status, label).toBe(expected)
      const viaLocal = await local(() =>
        payload.findVersionByID({ collection: 'announcements', id: id as never, overrideAccess: false, user: actors.leaderA.user as never }),
      )
      expect(viaLocal.status, label).toBe(expected)
    }
  })

  it('cannot read an issue draft by id, with or without draft=true', async () => {
    const draft = await payload.create({
      collection: 'issues',
      data: { title: '未发布的一期', articles: [{ title: 'x', body: body('x') }] },
      overrideAccess: true,
    })
    for (const q of [`issues/${draft.id}`, `issues/${draft.id}?draft=true`, 'issues?draft=true']) {
      const r = await rest('GET', q, { token: actors.leaderA.token })
      expect(r.status, q).toBe(403)
      expect(JSON.stringify(r.body)).not.toContain('未发布的一期')
    }
  })

  it('cannot give themselves another role or more grids (admin-only fields are ignored)', async () => {
    const me = actors.leaderA.user!
    const r = await rest('PATCH', `users/${me.id}`, {
      token: actors.leaderA.token,
      body: { role: 'admin', grids: [street.gridA1.id, street.gridB1.id], name: '网格长甲' },
    })
    expect(r.status).toBe(200)
    await localDriver.update(actors.leaderA, 'users', me.id as Id, { role: 'editor', community: street.commB.id })
    const after = await stored('users', me.id as Id)
    expect(after?.name).toBe('网格长甲')
    expect(after?.role).toBe('grid-leader')
    expect(after?.community ?? null).toBeNull()
    expect((after?.grids as Id[]).map(String)).toEqual([String(street.gridA1.id)])
  })

  it('staff accounts other than their own stay hidden and unchanged', async () => {
    const editorId = street.editor.id
    expect((await rest('GET', `users/${editorId}`, { token: actors.leaderA.token })).status).toBe(403)
    expect((await rest('PATCH', `users/${editorId}`, { token: actors.leaderA.token, body: { role: 'grid-leader', password: 'x'.repeat(12) } })).status).toBe(403)
    expect((await rest('DELETE', `users/${editorId}`, { token: actors.leaderA.token })).status).toBe(403)
    expect((await rest('POST', 'users', { token: actors.leaderA.token, body: createData('users') })).status).toBe(403)
    const after = await stored('users', editorId)
    expect(after?.role).toBe('editor')
    // The editor's password is unchanged: the editor can still log in with it.
    await expect(tokenFor(payload, street.editor.email, PASSWORD)).resolves.toBeTruthy()
  })
})

describe('through GraphQL (a representative subset)', () => {
  const lit = (id: Id) => JSON.stringify(id)
  // Payload's GraphQL input types make a group non-null when one of its
  // subfields is required (review.status), in create and update inputs alike,
  // so every mutation has to carry `review`.
  const REVIEW = 'review: { status: none }'
  const asLeader = () => ({ token: actors.leaderA.token })

  it('refuses the grid leader issues, other grids’ announcements, staff accounts and the audit log', async () => {
    const other = fixedAnnouncements['B-01']
    for (const query of [
      '{ Issues { docs { id title } } }',
      '{ Events { docs { id } } }',
      `{ Announcement(id: ${lit(other)}) { id title } }`,
      `{ User(id: ${lit(street.editor.id)}) { id email } }`,
      '{ AuditLogs { docs { id } } }',
      `{ Issue(id: ${lit(fixed.issues)}, draft: true) { id } }`,
    ]) {
      const r = await gql(query, {}, asLeader())
      expect(gqlStatuses(r), query).toEqual([403])
    }
  })

  it('lists only what the grid leader may see', async () => {
    const r = await gql('{ Announcements(limit: 0) { docs { id } } Users { docs { id } } }', {}, asLeader())
    expect(r.body.errors).toBeUndefined()
    const seen = r.body.data.Announcements.docs.map((d: { id: Id }) => labelOf(d.id)).filter(Boolean).sort()
    expect(seen).toEqual([...VISIBLE_ANNOUNCEMENTS.leaderA].sort())
    expect(r.body.data.Users.docs.map((d: { id: Id }) => String(d.id))).toEqual([String(street.leaderA.id)])
  })

  it('refuses the grid leader’s writes outside their grids and changes nothing', async () => {
    const target = await freshDoc('announcements@B-01', actors.admin)
    const update = await gql(
      `mutation { updateAnnouncement(id: ${lit(target.id)}, data: { title: "改了", ${REVIEW} }) { id } }`,
      {},
      asLeader(),
    )
    expect(gqlStatuses(update)).toEqual([403])
    const del = await gql(`mutation { deleteAnnouncement(id: ${lit(target.id)}) { id } }`, {}, asLeader())
    expect(gqlStatuses(del)).toEqual([403])
    expect((await stored('announcements', target.id))?.title).toBe(target.title)

    const data: Record<string, unknown> = { ...createData('announcements@B-01'), review: { status: 'none' } }
    const create = await gql(
      'mutation ($data: mutationAnnouncementInput!) { createAnnouncement(data: $data) { id } }',
      { data },
      asLeader(),
    )
    expect(gqlStatuses(create)).toEqual([403])
    expect((await payload.count({ collection: 'announcements', where: { title: { equals: data.title } }, overrideAccess: true })).totalDocs).toBe(0)

    const editorBefore = await stored('users', street.editor.id)
    const user = await gql(`mutation { updateUser(id: ${lit(street.editor.id)}, data: { name: "改名" }) { id } }`, {}, asLeader())
    expect(gqlStatuses(user)).toEqual([403])
    expect((await stored('users', street.editor.id))?.name).toBe(editorBefore?.name)
  })

  it('lets the grid leader create for their own grid, and an editor read issues (the same queries succeed)', async () => {
    const data: Record<string, unknown> = { ...createData('announcements@A-01'), review: { status: 'none' } }
    const create = await gql(
      'mutation ($data: mutationAnnouncementInput!) { createAnnouncement(data: $data) { id title } }',
      { data },
      asLeader(),
    )
    expect(create.body.errors).toBeUndefined()
    expect(create.body.data.createAnnouncement.title).toBe(data.title)
    const issues = await gql('{ Issues { docs { id } } }', {}, { token: actors.editor.token })
    expect(issues.body.errors).toBeUndefined()
    expect(issues.body.data.Issues.docs.length).toBeGreaterThan(0)
  })

  it('refuses anonymous callers', async () => {
    const r = await gql('{ Announcements { docs { id } } }')
    expect(gqlStatuses(r)).toEqual([403])
  })
})
