import type { Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import { hitRateLimit, pruneRateLimits, ruleFromEnv } from '../../src/store/rateLimits'
import { PASSWORD, smallStreet } from '../support/fixtures'
import { gql, rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'

/**
 * The subscriber data model on both databases: addresses are stored
 * lowercased and unique; only admins ever see or query an address; the link
 * secrets are readable by nobody; erasing a subscriber erases its devices;
 * rate limits are places claimed in the database.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
const tokens: Record<string, string> = {}

const subscriber = (email: string, extra: Record<string, unknown> = {}) =>
  payload.create({
    collection: 'subscribers',
    data: { email, grid: street.gridA1.id, channels: ['email'], topics: ['issues'], status: 'active', source: 'admin', ...extra } as never,
    overrideAccess: true,
  }) as unknown as Promise<{ id: string | number; email: string; ref: string }>

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  for (const who of ['admin', 'editor', 'staffA', 'leaderA'] as const) tokens[who] = await tokenFor(payload, street[who].email, PASSWORD)
})

describe('subscribers', () => {
  it('stores the address trimmed and lowercased, and refuses the same address in another case', async () => {
    const s = await subscriber('  Wang.Li@Example.ORG ')
    expect(s.email).toBe('wang.li@example.org')
    expect(typeof s.ref).toBe('string')
    expect(s.ref.length).toBeGreaterThanOrEqual(20)
    await expect(subscriber('WANG.LI@example.org')).rejects.toThrow()
    const { totalDocs } = await payload.count({ collection: 'subscribers', where: { email: { equals: 'wang.li@example.org' } }, overrideAccess: true })
    expect(totalDocs).toBe(1)
  })

  it('shows the address to admins only; editors count without it; grid staff and the public see nothing', async () => {
    const s = await subscriber('li.na@example.org')
    const admin = await rest('GET', `subscribers/${s.id}`, { token: tokens.admin })
    expect(admin.status).toBe(200)
    expect(admin.body.email).toBe('li.na@example.org')
    // Link secrets: not even an admin reads them through the API.
    expect(admin.body.ref).toBeUndefined()
    expect(admin.body.confirmNonce).toBeUndefined()

    const editor = await rest('GET', `subscribers/${s.id}`, { token: tokens.editor })
    expect(editor.status).toBe(200)
    expect(editor.body.email).toBeUndefined()
    expect(editor.body.ref).toBeUndefined()
    expect(editor.body.status).toBe('active')
    const editorList = await rest('GET', 'subscribers?limit=100', { token: tokens.editor })
    expect(editorList.status).toBe(200)
    expect(editorList.body.totalDocs).toBeGreaterThanOrEqual(2)
    expect(JSON.stringify(editorList.body)).not.toContain('@example.org')

    for (const who of ['staffA', 'leaderA'] as const) {
      expect((await rest('GET', `subscribers/${s.id}`, { token: tokens[who] })).status).toBe(403)
      expect((await rest('GET', 'subscribers', { token: tokens[who] })).status).toBe(403)
    }
    expect((await rest('GET', 'subscribers')).status).toBe(403)

    const q = `query { Subscribers(limit: 50) { totalDocs docs { id email status } } }`
    const gEditor = await gql(q, {}, { token: tokens.editor })
    expect(JSON.stringify(gEditor.body)).not.toContain('@example.org')
    expect(gEditor.body.data?.Subscribers?.totalDocs).toBeGreaterThanOrEqual(2)
    const gAdmin = await gql(q, {}, { token: tokens.admin })
    expect(JSON.stringify(gAdmin.body)).toContain('li.na@example.org')
  })

  it('does not let an editor find an address by querying, searching or sorting on it', async () => {
    await subscriber('zhao.lei@example.org')
    const probe = async (query: string) => {
      const r = await rest('GET', `subscribers?${query}`, { token: tokens.editor })
      return { status: r.status, total: r.body?.totalDocs ?? null, body: JSON.stringify(r.body) }
    }
    const hit = await probe('where[email][equals]=zhao.lei@example.org')
    const miss = await probe('where[email][equals]=nobody@example.org')
    // Payload refuses a query on a field the user may not read (400), whether the address exists or not.
    expect(hit.status).toBe(400)
    expect(miss.status).toBe(400)
    expect(hit.body).not.toContain('zhao.lei')
    expect((await probe('where[email][like]=zhao')).status).toBe(400)
    expect((await probe('where[or][0][email][contains]=zhao')).status).toBe(400)
    // Nor can the link secret be probed.
    expect((await probe('where[ref][exists]=true')).status).toBe(400)
    // Sorting by the address would leak its order: the list comes back in the default order instead, or is refused.
    const sorted = await rest('GET', 'subscribers?sort=email&limit=100', { token: tokens.editor })
    const plain = await rest('GET', 'subscribers?limit=100', { token: tokens.editor })
    if (sorted.status === 200) expect(sorted.body.docs.map((d: { id: unknown }) => d.id)).toEqual(plain.body.docs.map((d: { id: unknown }) => d.id))
    else expect(sorted.status).toBe(400)
  })

  it('offers the admin list’s search by address to admins only; editors get a pointer to the filters instead', async () => {
    const { Subscribers } = await import('../../src/collections/Subscribers')
    const { renderToStaticMarkup } = await import('react-dom/server')
    const { SubscribersSearch, SEARCH_HIDDEN_CSS } = await import('../../src/components/SubscribersSearch')
    // The list searches the address (what the admin UI sends as where[or][0][email][like]), which the editor may not query.
    expect(Subscribers.admin?.listSearchableFields).toEqual(['email'])
    const search = await rest('GET', 'subscribers?where[or][0][email][like]=zhao', { token: tokens.editor })
    expect(search.status).toBe(400)
    expect(Subscribers.admin?.components?.beforeList).toEqual(['/components/SubscribersSearch#SubscribersSearch'])
    // Registered in the admin's import map (payload generate:importmap), or the admin would not render it.
    const { readFileSync } = await import('node:fs')
    expect(readFileSync('src/app/(payload)/admin/importMap.js', 'utf8')).toContain('"/components/SubscribersSearch#SubscribersSearch"')
    const render = (role: string) => renderToStaticMarkup(SubscribersSearch({ user: { role } as never, i18n: { language: 'zh' } as never }) ?? '')
    expect(render('admin')).toBe('')
    const editor = render('editor')
    expect(editor).toContain(SEARCH_HIDDEN_CSS)
    expect(SEARCH_HIDDEN_CSS).toContain('.collection-list--subscribers .search-bar .search-filter')
    expect(editor).toContain('按邮箱搜索只对管理员开放')
  })

  it('lets only admins create, change and delete subscribers through the API', async () => {
    const data = { email: 'api@example.org', grid: street.gridA2.id, channels: ['email'], status: 'active' }
    expect((await rest('POST', 'subscribers', { token: tokens.editor, body: data })).status).toBe(403)
    const created = await rest('POST', 'subscribers', { token: tokens.admin, body: { ...data, ref: 'chosen-by-caller' } })
    expect(created.status).toBe(201)
    const id = created.body.doc.id
    const stored = (await payload.findByID({ collection: 'subscribers', id, overrideAccess: true })) as unknown as { ref: string }
    // A caller cannot choose the link secret.
    expect(stored.ref).not.toBe('chosen-by-caller')
    expect((await rest('PATCH', `subscribers/${id}`, { token: tokens.editor, body: { status: 'unsubscribed' } })).status).toBe(403)
    expect((await rest('DELETE', `subscribers/${id}`, { token: tokens.editor })).status).toBe(403)
    expect((await rest('DELETE', `subscribers/${id}`, { token: tokens.admin })).status).toBe(200)
  })
})

describe('push subscriptions', () => {
  const device = (subscriberId: string | number, endpoint: string) =>
    payload.create({
      collection: 'push-subscriptions',
      data: { endpoint, keys: { p256dh: 'p'.repeat(87), auth: 'a'.repeat(22) }, subscriber: subscriberId, userAgent: 'Test/1.0' } as never,
      overrideAccess: true,
    })

  it('keeps several devices per subscriber, one row per endpoint, readable by admins only', async () => {
    const s = await subscriber('devices@example.org', { channels: ['email', 'webpush'] })
    const d1 = await device(s.id, 'https://push.invalid/send/one')
    await device(s.id, 'https://push.invalid/send/two')
    await expect(device(s.id, 'https://push.invalid/send/one')).rejects.toThrow()
    expect((await rest('GET', `push-subscriptions/${d1.id}`, { token: tokens.admin })).status).toBe(200)
    for (const who of ['editor', 'staffA', 'leaderA'] as const) {
      expect((await rest('GET', `push-subscriptions/${d1.id}`, { token: tokens[who] })).status).toBe(403)
    }
    expect((await rest('GET', 'push-subscriptions')).status).toBe(403)
    expect((await rest('POST', 'push-subscriptions', { token: tokens.admin, body: { endpoint: 'https://push.invalid/x' } })).status).toBe(403)
  })

  it('erases a subscriber’s devices with the subscriber', async () => {
    const s = await subscriber('erase-me@example.org', { channels: ['email', 'webpush'] })
    await device(s.id, 'https://push.invalid/send/erase-1')
    await device(s.id, 'https://push.invalid/send/erase-2')
    expect((await payload.count({ collection: 'push-subscriptions', where: { subscriber: { equals: s.id } }, overrideAccess: true })).totalDocs).toBe(2)
    await payload.delete({ collection: 'subscribers', id: s.id, overrideAccess: true })
    expect((await payload.count({ collection: 'push-subscriptions', where: { subscriber: { equals: s.id } }, overrideAccess: true })).totalDocs).toBe(0)
  })
})

describe('rate limits', () => {
  it('lets `limit` requests through in a window, refuses the next with the wait until it ends, and opens in the next', async () => {
    const rule = { limit: 3, windowMs: 60_000 }
    const start = Math.floor(Date.now() / rule.windowMs) * rule.windowMs
    const verdicts = []
    for (let i = 0; i < 5; i++) verdicts.push(await hitRateLimit(payload, 'test', '203.0.113.7', rule, start + 10_000 + i))
    expect(verdicts.map((v) => v.ok)).toEqual([true, true, true, false, false])
    // 50 s of the window are left.
    expect(verdicts[3]).toEqual({ ok: false, retryAfterSeconds: 50 })
    // Another subject and another rule are counted apart.
    expect((await hitRateLimit(payload, 'test', '203.0.113.8', rule, start + 10_000)).ok).toBe(true)
    expect((await hitRateLimit(payload, 'other', '203.0.113.7', rule, start + 10_000)).ok).toBe(true)
    // The next window has its places again.
    expect((await hitRateLimit(payload, 'test', '203.0.113.7', rule, start + rule.windowMs + 1)).ok).toBe(true)
  })

  it('lets exactly the limit through when forty requests arrive at once', async () => {
    const rule = { limit: 10, windowMs: 600_000 }
    const now = Date.now()
    const verdicts = await Promise.all(Array.from({ length: 40 }, () => hitRateLimit(payload, 'burst', '198.51.100.1', rule, now)))
    expect(verdicts.filter((v) => v.ok)).toHaveLength(10)
    expect((await hitRateLimit(payload, 'burst', '198.51.100.1', rule, now)).ok).toBe(false)
  })

  it('holds a large limit under concurrency too (places drawn at random)', async () => {
    const rule = { limit: 300, windowMs: 600_000 }
    const now = Date.now()
    const verdicts = await Promise.all(Array.from({ length: 60 }, () => hitRateLimit(payload, 'large', '198.51.100.2', rule, now)))
    expect(verdicts.every((v) => v.ok)).toBe(true)
    const { totalDocs } = await payload.count({ collection: 'claims', where: { scope: { like: 'rate:large:' } }, overrideAccess: true })
    expect(totalDocs).toBe(60)
  })

  it('stores neither the address nor the IP, and prunes the places of windows that have passed', async () => {
    await hitRateLimit(payload, 'privacy', 'someone@example.org', { limit: 5, windowMs: 1000 })
    const rows = await payload.find({ collection: 'claims', where: { scope: { like: 'rate:' } }, limit: 0, pagination: false, overrideAccess: true })
    expect(rows.docs.length).toBeGreaterThan(0)
    const text = JSON.stringify(rows.docs)
    expect(text).not.toContain('someone')
    expect(text).not.toContain('203.0.113')
    await pruneRateLimits(payload, Date.now() + 3_600_000)
    expect((await payload.count({ collection: 'claims', where: { scope: { like: 'rate:' } }, overrideAccess: true })).totalDocs).toBe(0)
  })

  it('reads COUNT/SECONDS rules from the environment and refuses unreadable ones', () => {
    process.env.TEST_RATE_RULE = '25/60'
    expect(ruleFromEnv('TEST_RATE_RULE', { limit: 1, windowMs: 1 })).toEqual({ limit: 25, windowMs: 60_000 })
    process.env.TEST_RATE_RULE = 'lots'
    expect(() => ruleFromEnv('TEST_RATE_RULE', { limit: 1, windowMs: 1 })).toThrow(/COUNT\/SECONDS/)
    delete process.env.TEST_RATE_RULE
    expect(ruleFromEnv('TEST_RATE_RULE', { limit: 4, windowMs: 9 })).toEqual({ limit: 4, windowMs: 9 })
  })
})
