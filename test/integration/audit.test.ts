import type { Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import { env } from '../../src/server/env'
import { pruneAuditLog } from '../../src/jobs/housekeeping'
import { uploadImage } from '../site/support'
import { body, PASSWORD, smallStreet, type Id } from '../support/fixtures'
import { gql, gqlStatuses, rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'

/**
 * The audit log (操作日志) records publish, unpublish, submit, approve,
 * return, role changes, logins, deletions, site-settings changes, delivery
 * pauses, resumes, cancellations and retries, with who did it (mass sends:
 * test/delivery/wechat-mass.test.ts; imports: test/subscribe/admin-tools.test.ts;
 * lifting a suppression: test/subscribe/donotmail.test.ts); only admins read
 * and export it, nobody changes or deletes it through any API, and only the
 * retention job removes entries older than AUDIT_RETENTION_DAYS (at least 180).
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>

type Entry = { action: string; actor?: Id | null; actorName?: string; targetCollection?: string; targetId?: string; targetTitle?: string; detail?: string | null }
const asUser = (u: { id: Id }) => ({ ...u, collection: 'users' }) as never

/** Entries about one target (or one action), oldest first. */
async function entries(where: Record<string, unknown>): Promise<Entry[]> {
  const { docs } = await payload.find({ collection: 'audit-log', where: where as never, sort: 'createdAt', limit: 0, pagination: false, overrideAccess: true, depth: 0 })
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
    // The step it was returned at, then the comment.
    expect(log[1].detail).toBe('第 1 步（初审）；请注明时间段。')
    expect(log[0].actorName).toBe('leader-a')
  })

  it('record each document of a bulk approval once, as its own (Payload saves them side by side on one request)', async () => {
    const drafts = await Promise.all(
      ['批量审核甲', '批量审核乙', '批量审核丙'].map((title) =>
        payload.create({ collection: 'announcements', data: { title, grids: [street.gridA1.id], body: body(`${title}：本周日清理楼道杂物。`) }, overrideAccess: false, user: asUser(street.leaderA) }),
      ),
    )
    const ids = drafts.map((d) => d.id)
    for (const id of ids) await payload.update({ collection: 'announcements', id, data: { review: { status: 'pending' } }, overrideAccess: false, user: asUser(street.leaderA) })
    const token = await tokenFor(payload, street.editor.email, PASSWORD)
    const r = await rest('PATCH', `announcements?${new URLSearchParams({ 'where[id][in]': ids.join(',') })}`, { token, body: { review: { status: 'approved' } } })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body.docs).toHaveLength(3)
    for (const id of ids) {
      const log = await about('announcements', id)
      expect(actions(log)).toEqual(['submit', 'approve'])
      expect(log.map(actorOf)).toEqual([String(street.leaderA.id), String(street.editor.id)])
    }
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

describe('more audited events', () => {
  it('a plain unpublish through REST', async () => {
    const token = await tokenFor(payload, street.editor.email, PASSWORD)
    const p = await payload.create({ collection: 'policies', data: { title: '撤回测试', issuingBody: '区民政局', summary: 'x', body: body('x'), _status: 'published' }, overrideAccess: true })
    const r = await rest('PATCH', `policies/${p.id}`, { token, body: { _status: 'draft' } })
    expect(r.status).toBe(200)
    const log = (await about('policies', p.id)).filter((e) => e.action === 'unpublish')
    expect(log).toHaveLength(1)
    expect(actorOf(log[0])).toBe(String(street.editor.id))
  })

  it('every deletion: content of each type, grid, community, staff account, image and subscriber (by id only), by REST and the Local API', async () => {
    const admin = await tokenFor(payload, street.admin.email, PASSWORD)
    const mk = async (collection: string, data: Record<string, unknown>) => (await payload.create({ collection: collection as never, data: data as never, overrideAccess: true })) as unknown as { id: Id }
    const community = await mk('communities', { code: 'Z', name: '待删社区' })
    const grid = await mk('grids', { code: 'Z-01', name: '待删网格', community: community.id, households: 1 })
    const image = await uploadImage(payload, 'to-delete.jpg', '待删图片')
    const targets: [string, { id: Id }, string | null][] = [
      ['issues', await mk('issues', { title: '待删期刊', articles: [{ title: 'a', body: body('x') }] }), '待删期刊'],
      ['events', await mk('events', { title: '待删活动', startsAt: new Date().toISOString(), location: '活动室', wholeStreet: true }), '待删活动'],
      ['policies', await mk('policies', { title: '待删解读', issuingBody: '区民政局', summary: 'x', body: body('x') }), '待删解读'],
      ['announcements', await mk('announcements', { title: '待删公告', grids: [street.gridA1.id], body: body('x') }), '待删公告'],
      ['users', await mk('users', { email: 'to-delete@test.local', password: PASSWORD, name: '待删账号', role: 'editor' }), '待删账号'],
      ['media', image, '待删图片'],
      ['subscribers', await mk('subscribers', { email: 'gone@example.org', grid: street.gridA2.id, channels: ['email'], topics: ['issues'], status: 'active' }), null],
      ['grids', grid, 'Z-01 待删网格'],
      ['communities', community, '待删社区'],
    ]
    // (Compared as the new entries in order: SQLite may give a later document a deleted one's id.)
    const deletions = async () => entries({ action: { equals: 'delete' } })
    const before = (await deletions()).length
    for (const [collection, doc] of targets) expect((await rest('DELETE', `${collection}/${doc.id}`, { token: admin })).status, collection).toBe(200)
    const log = (await deletions()).slice(before)
    expect(log.map((e) => [e.targetCollection, e.targetId, e.targetTitle ?? null, actorOf(e)])).toEqual(
      targets.map(([collection, doc, title]) => [collection, String(doc.id), title, String(street.admin.id)]),
    )
    // The subscriber's address is not kept in the log that outlives the record.
    expect(JSON.stringify(await deletions())).not.toContain('gone@example.org')
    // A grid leader deleting their own announcement through the Local API (access applied) is recorded too.
    const own = await payload.create({ collection: 'announcements', data: { title: '网格长删自己的公告', grids: [street.gridA1.id], body: body('x') }, overrideAccess: true })
    await payload.delete({ collection: 'announcements', id: own.id, overrideAccess: false, user: asUser(street.leaderA) })
    const [leaderLog] = (await deletions()).slice(before + targets.length)
    expect(leaderLog).toMatchObject({ targetCollection: 'announcements', targetId: String(own.id), targetTitle: '网格长删自己的公告' })
    expect(actorOf(leaderLog)).toBe(String(street.leaderA.id))
  })

  it('a resident’s erasure is recorded as theirs; the housekeeping of unconfirmed requests is not a decision and is not', async () => {
    const { erase } = await import('../../src/subscribers/service')
    const { prunePending } = await import('../../src/subscribers/service')
    const deletions = async () => entries({ action: { equals: 'delete' } })
    const before = (await deletions()).length
    const s = await payload.create({ collection: 'subscribers', data: { email: 'erase-me@example.org', grid: street.gridA1.id, channels: ['email'], topics: ['issues'], status: 'active' } as never, overrideAccess: true })
    await erase(payload, s as never)
    const log = (await deletions()).slice(before)
    expect(log).toHaveLength(1)
    expect(log[0]).toMatchObject({ targetCollection: 'subscribers', targetId: String(s.id), actorName: 'system', detail: '居民本人申请删除全部信息' })
    const old = new Date(Date.now() - 30 * 86_400_000).toISOString()
    await payload.create({ collection: 'subscribers', data: { email: 'never@example.org', grid: street.gridA1.id, channels: ['email'], topics: ['issues'], status: 'pending', lastRequestAt: old } as never, overrideAccess: true })
    expect((await prunePending(payload)).deleted).toBe(1)
    expect(await deletions()).toHaveLength(before + 1)
  })

  it('site-settings changes: which fields, never their values', async () => {
    const admin = await tokenFor(payload, street.admin.email, PASSWORD)
    const r = await rest('POST', 'globals/site-settings', { token: admin, body: { hotline: '0831-7654321', sensitiveWords: '秘密词甲\n秘密词乙', footerText: '页脚' } })
    expect(r.status).toBe(200)
    const [entry] = (await entries({ action: { equals: 'settings-change' } })).slice(-1)
    expect(entry).toMatchObject({ targetCollection: 'site-settings' })
    expect(actorOf(entry)).toBe(String(street.admin.id))
    expect(entry.detail).toContain('热线')
    expect(entry.detail).toContain('敏感词')
    expect(entry.detail).not.toContain('秘密词')
    expect(entry.detail).not.toContain('0831-7654321')
    // Saving without a change records nothing.
    const count = (await entries({ action: { equals: 'settings-change' } })).length
    await rest('POST', 'globals/site-settings', { token: admin, body: { hotline: '0831-7654321' } })
    expect(await entries({ action: { equals: 'settings-change' } })).toHaveLength(count)
  })

  it('delivery pause, resume, cancel and retry by an editor; the pipeline’s own changes are not the editor’s', async () => {
    const mkDelivery = async (status: string) =>
      (await payload.db.create({
        collection: 'deliveries',
        data: { key: `audit-test:${status}:${Math.random()}`, title: '发送审计', contentType: 'issues', contentId: '1', channel: 'email', audience: 'all', status, total: 0, submitted: 0, failed: 0, gone: 0, lastErrors: [] },
        req: { transactionID: undefined } as never,
      })) as unknown as { id: Id }
    const by = { overrideAccess: false, user: asUser(street.editor) }
    const set = (id: Id, status: string) => payload.update({ collection: 'deliveries', id, data: { status } as never, ...by })
    const a = await mkDelivery('queued')
    await set(a.id, 'paused')
    await set(a.id, 'queued')
    await set(a.id, 'cancelled')
    const b = await mkDelivery('failed')
    await set(b.id, 'queued')
    // Written by the pipeline (the adapter, no hooks): not an editor's action.
    await payload.db.updateOne({ collection: 'deliveries', id: b.id, data: { status: 'running' }, req: { transactionID: undefined } as never })
    expect(actions(await about('deliveries', a.id))).toEqual(['delivery-pause', 'delivery-resume', 'delivery-cancel'])
    expect(actions(await about('deliveries', b.id))).toEqual(['delivery-retry'])
    const [pause] = await about('deliveries', a.id)
    expect(pause).toMatchObject({ targetTitle: '发送审计', detail: '电子邮件：排队中 → 已暂停' })
    expect(actorOf(pause)).toBe(String(street.editor.id))
  })
})

describe('viewing, filtering and exporting', () => {
  it('exports what the filter selects as CSV (BOM, formula-safe cells), for admins only, and records the export', async () => {
    const { parse } = await import('csv-parse/sync')
    // A title a spreadsheet would run as a formula.
    const evil = await payload.create({ collection: 'policies', data: { title: '=HYPERLINK("http://x","点我")', issuingBody: '区', summary: 'x', body: body('x'), _status: 'published' }, overrideAccess: true })
    await payload.update({ collection: 'policies', id: evil.id, data: { _status: 'draft' }, overrideAccess: false, user: asUser(street.editor) })
    const adminToken = await tokenFor(payload, street.admin.email, PASSWORD)
    const editorToken = await tokenFor(payload, street.editor.email, PASSWORD)
    expect((await rest('GET', 'audit-log/export.csv', { token: editorToken })).status).toBe(403)
    expect((await rest('GET', 'audit-log/export.csv')).status).toBe(403)
    const bad = await rest('GET', 'audit-log/export.csv?from=2026-13-01&action=nothing', { token: adminToken })
    expect(bad.status).toBe(400)
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['action', 'from'])
    expect(bad.body.errors.find((e: { field: string }) => e.field === 'from').message).toBe('日期应写成 2026-11-27 这样的格式。')

    const { streetDay } = await import('../../src/templates/format')
    const today = streetDay()
    // Raw bytes, as the browser saves them (Response.text() would drop the byte-order mark).
    const { REST_GET } = await import('@payloadcms/next/routes')
    const { default: config } = await import('../../src/payload.config')
    const url = new URL(`/api/audit-log/export.csv?action=unpublish&collection=policies&actor=${street.editor.id}&from=${today}&to=${today}`, 'http://127.0.0.1:3000')
    const res = await REST_GET(config)(new Request(url, { headers: { Authorization: `JWT ${adminToken}` } }), { params: Promise.resolve({ slug: ['audit-log', 'export.csv'] }) })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-log-\d{4}-\d{2}-\d{2}\.csv"$/)
    const bytes = Buffer.from(await res.arrayBuffer())
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = bytes.subarray(3).toString('utf8')
    expect(text).toContain(`"'=HYPERLINK(""http://x"",""点我"")"`)
    const rows = parse(text) as string[][]
    expect(rows[0]).toEqual(['时间', '时间（UTC）', '操作', '操作人', '对象类型', '对象编号', '对象名称', '详情'])
    const evilRow = rows.find((row) => row[5] === String(evil.id) && row[6].includes('HYPERLINK'))!
    expect(evilRow.slice(2, 6)).toEqual(['撤回', 'editor', '政策解读', String(evil.id)])
    expect(evilRow[6]).toBe(`'=HYPERLINK("http://x","点我")`)
    // Only what the filter selects: unpublishes of policies by the editor, today.
    expect(rows.slice(1).every((row) => row[2] === '撤回' && row[3] === 'editor' && row[4] === '政策解读')).toBe(true)
    // Yesterday has none of them.
    const yesterday = new Date(Date.parse(`${today}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10)
    const none = await rest('GET', `audit-log/export.csv?action=unpublish&from=${yesterday}&to=${yesterday}`, { token: adminToken })
    expect(parse(none.body as string)).toHaveLength(1)
    // The export is itself an entry, by the admin, saying what was exported.
    const [exp] = (await entries({ and: [{ action: { equals: 'export' } }, { targetCollection: { equals: 'audit-log' } }] })).slice(-1)
    expect(actorOf(exp)).toBe(String(street.admin.id))
    expect(exp.detail).toBe(`导出操作日志 0 条（操作=撤回，${yesterday}~${yesterday}）`)
  })

  it('the admin view lists and filters the entries (action, user, date range, type); others get no list', async () => {
    const { renderToStaticMarkup } = await import('react-dom/server')
    const { AuditLogView } = await import('../../src/components/AuditLogView')
    const render = async (user: unknown, searchParams: Record<string, string> = {}) =>
      // The fixtures' users carry what access reads (id, role, grids), not a whole Payload user.
      renderToStaticMarkup(await AuditLogView({ payload, user: user as never, searchParams, i18n: { language: 'zh' } }))
    const all = await render(street.admin)
    expect(all).toContain('操作日志')
    expect(all).toContain('记录保留 365 天（不少于 180 天）')
    expect(all).toContain('href="/api/audit-log/export.csv"')
    const rowsOf = (html: string) => [...html.matchAll(/<tr data-action="([a-z-]+)"/g)].map((m) => m[1])
    expect(rowsOf(all).length).toBeGreaterThan(5)

    const deletes = await render(street.admin, { action: 'delete', collection: 'announcements' })
    expect(rowsOf(deletes).length).toBeGreaterThan(0)
    expect(new Set(rowsOf(deletes))).toEqual(new Set(['delete']))
    expect(deletes).toContain('待删公告')
    expect(deletes).not.toContain('待删期刊')
    expect(deletes).toContain('href="/api/audit-log/export.csv?action=delete&amp;collection=announcements"')

    const byLeader = await render(street.admin, { actor: String(street.leaderA.id) })
    expect(rowsOf(byLeader).length).toBeGreaterThan(0)
    expect(byLeader).not.toMatch(/<td>editor<\/td>/)
    expect(await render(street.admin, { from: '2000-01-01', to: '2000-01-31' })).toContain('没有符合条件的记录。')

    const wrong = await render(street.admin, { to: 'yesterday' })
    expect(wrong).toContain('data-field="to"')
    expect(wrong).toContain('日期应写成 2026-11-27 这样的格式。')
    expect(rowsOf(wrong)).toEqual([])
    for (const u of [street.editor, street.leaderA]) {
      const html = await render(u)
      expect(html).toContain('只有管理员可以查看和导出操作日志。')
      expect(rowsOf(html)).toEqual([])
    }
    // Payload renders it as the collection's list (its import map names it).
    const { AuditLog } = await import('../../src/collections/AuditLog')
    expect(AuditLog.admin?.components?.views?.list).toEqual({ Component: '/components/AuditLogView#AuditLogView' })
    const { readFileSync } = await import('node:fs')
    expect(readFileSync('src/app/(payload)/admin/importMap.js', 'utf8')).toContain('"/components/AuditLogView#AuditLogView"')
  })
})

describe('the audit log cannot be changed', () => {
  it('by anyone through any API: REST, GraphQL, the Local API as a user and even with overrideAccess', async () => {
    const adminToken = await tokenFor(payload, street.admin.email, PASSWORD)
    const [first] = await entries({})
    const id = (first as unknown as { id: Id }).id
    const gUpdate = await gql(`mutation { updateAuditLog(id: ${JSON.stringify(id)}, data: { detail: "篡改" }) { id } }`, {}, { token: adminToken })
    expect(gqlStatuses(gUpdate)).toContain(403)
    const gDelete = await gql(`mutation { deleteAuditLog(id: ${JSON.stringify(id)}) { id } }`, {}, { token: adminToken })
    expect(gqlStatuses(gDelete)).toContain(403)
    await expect(payload.update({ collection: 'audit-log', id, data: { detail: '篡改' }, overrideAccess: false, user: asUser(street.admin) })).rejects.toMatchObject({ status: 403 })
    await expect(payload.delete({ collection: 'audit-log', id, overrideAccess: false, user: asUser(street.admin) })).rejects.toMatchObject({ status: 403 })
    await expect(payload.update({ collection: 'audit-log', id, data: { detail: '篡改' }, overrideAccess: true })).rejects.toMatchObject({ status: 403 })
    await expect(payload.delete({ collection: 'audit-log', id, overrideAccess: true })).rejects.toMatchObject({ status: 403 })
    const bulk = await payload.delete({ collection: 'audit-log', where: { id: { exists: true } }, overrideAccess: true })
    expect(bulk.docs).toHaveLength(0)
    const [still] = await entries({})
    expect(still).toEqual(first)
  })

  it('only the retention job deletes entries, and only those older than the setting, which is never below 180 days', async () => {
    expect(env.auditRetentionDays).toBe(365)
    for (const bad of ['179', '90', 'x', '0']) {
      process.env.AUDIT_RETENTION_DAYS = bad
      expect(() => env.auditRetentionDays).toThrow(/at least 180/)
    }
    process.env.AUDIT_RETENTION_DAYS = '200'
    try {
      await expect(pruneAuditLog(payload, new Date(), 179)).rejects.toThrow(/at least 180/)
      const total = (await entries({})).length
      // Entries written "200 and 199 days ago": as far as the job is concerned, now is that much later.
      const now = new Date()
      expect(await pruneAuditLog(payload, new Date(now.getTime() + 199 * 86_400_000))).toBe(0)
      expect(await entries({})).toHaveLength(total)
      expect(await pruneAuditLog(payload, new Date(now.getTime() + 201 * 86_400_000))).toBe(total)
      expect(await entries({})).toHaveLength(0)
    } finally {
      delete process.env.AUDIT_RETENTION_DAYS
    }
  })
})
