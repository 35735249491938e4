import { ValidationError, type Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { t } from '../../src/i18n/messages'
import { runDueJobs } from '../../src/jobs/scheduler'
import { doc, p, table } from '../../src/seed/lexical'
import { closeStaffMail } from '../../src/server/staffMailer'
import { body, PASSWORD, smallStreet, type Id } from '../support/fixtures'
import { gql, gqlStatuses, rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'
import { startSmtpServer, type SmtpTestServer } from '../support/smtp-server'

/**
 * The pre-publish checks wired in (issue 16): a serious finding (严重) blocks
 * publishing through the Local API, REST, GraphQL and a scheduled publication
 * (whose scheduler is mailed why); warnings never block; drafts always save;
 * an admin, or an editor for urgent content, may override with a recorded
 * reason, which is audited; the admin's checks endpoint answers the findings
 * and the masked data.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let smtp: SmtpTestServer
const tokens: Record<string, string> = {}

// A valid mainland ID number (check digit right), a mobile, a name next to them.
const ID = '350402198506120036'
const MOBILE = '13812345678'
const LISTING = `公示名单：张小三 ${ID}，联系电话${MOBILE}。`

type Doc = { id: Id; title: string; _status: string; checksOverride?: { reason?: string | null; by?: string | null; at?: string | null; covers?: string | null } }
const asUser = (u: { id: Id }) => ({ ...u, collection: 'users' }) as never

async function refusal(pr: Promise<unknown>) {
  const err = await pr.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err, 'publication was expected to be refused').toBeInstanceOf(ValidationError)
  return (err as ValidationError).data.errors as { path: string; message: string }[]
}

const count = async (collection: string, title: string) =>
  (await payload.count({ collection: collection as never, where: { title: { equals: title } }, overrideAccess: true })).totalDocs

const stored = async (collection: string, id: Id) =>
  (await payload.findByID({ collection: collection as never, id, overrideAccess: true, depth: 0 })) as unknown as Doc

const announcement = (title: string, text: string, extra: Record<string, unknown> = {}) => ({ title, grids: [street.gridA1.id], body: body(text), ...extra })

const auditEntries = async (id: Id) =>
  (
    await payload.find({
      collection: 'audit-log',
      where: { and: [{ action: { equals: 'checks-override' } }, { targetId: { equals: String(id) } }] },
      overrideAccess: true,
      depth: 0,
    })
  ).docs as unknown as { actor?: unknown; detail?: string }[]

beforeAll(async () => {
  smtp = await startSmtpServer()
  process.env.SMTP_URL = smtp.url
  process.env.MAIL_FROM = '街道资讯 <noreply@street.test>'
  payload = await testPayload()
  street = await smallStreet(payload)
  await payload.updateGlobal({
    slug: 'site-settings',
    data: { officialNames: [{ correct: '李明华', wrong: '李名华\n李明化' }] },
    overrideAccess: true,
  })
  for (const who of ['admin', 'editor', 'leaderA', 'leaderB'] as const) tokens[who] = await tokenFor(payload, street[who].email, PASSWORD)
})

afterAll(async () => {
  await closeStaffMail()
  await smtp?.close()
})

describe('serious findings block publishing', () => {
  it('through the Local API as a user: an unmasked ID number, naming the field; nothing stored', async () => {
    const title = '低保公示（未脱敏）'
    const errors = await refusal(
      payload.create({ collection: 'announcements', data: { ...announcement(title, LISTING), _status: 'published' }, overrideAccess: false, user: asUser(street.editor) }),
    )
    expect(errors.map((e) => e.path)).toEqual(['body'])
    expect(errors[0].message).toContain('发布前检查发现严重问题，不能发布')
    expect(errors[0].message).toContain(`身份证号码“${ID}”`)
    expect(errors[0].message).toContain('手机号码')
    expect(await count('announcements', title)).toBe(0)
  })

  it('a wrong form of an official name from the site settings, and of a built-in one in an issue’s article', async () => {
    const errors = await refusal(
      payload.create({
        collection: 'events',
        data: { title: '李名华同志走访社区', startsAt: new Date().toISOString(), location: '活动室', wholeStreet: true, _status: 'published' },
        overrideAccess: false,
        user: asUser(street.editor),
      }),
    )
    expect(errors[0].path).toBe('title')
    expect(errors[0].message).toContain('“李名华”是错误写法，应为“李明华”')

    const article = (n: number, extra: Record<string, unknown> = {}) => ({ title: `第${n}篇`, body: body('干净的正文'), ...extra })
    const issueErrors = await refusal(
      payload.create({
        collection: 'issues',
        data: { title: '名称写错的一期', articles: [article(1), article(2, { summary: '转发国务办公厅通知' })], _status: 'published' },
        overrideAccess: false,
        user: asUser(street.editor),
      }),
    )
    expect(issueErrors[0].path).toBe('articles.1.summary')
    expect(issueErrors[0].message).toContain('应为“国务院办公厅”')
    expect(await count('issues', '名称写错的一期')).toBe(0)
  })

  it('in a table of the body too', async () => {
    const errors = await refusal(
      payload.create({
        collection: 'announcements',
        data: { title: '表格公示', grids: [street.gridA1.id], body: doc(table([['姓名', '身份证号'], ['王小明', ID]])), _status: 'published' },
        overrideAccess: false,
        user: asUser(street.editor),
      }),
    )
    expect(errors[0].path).toBe('body')
    expect(errors[0].message).toContain(ID)
  })

  it('through REST: 400, in Chinese, the field named', async () => {
    const r = await rest('POST', 'announcements', { token: tokens.editor, body: { ...announcement('接口公示', LISTING), _status: 'published' } })
    expect(r.status).toBe(400)
    expect(r.body.errors[0].message).toMatch(/字段是无效的/)
    expect(r.body.errors[0].data.errors[0].path).toBe('body')
    expect(r.body.errors[0].data.errors[0].message).toContain('发布前检查发现严重问题')
    expect(await count('announcements', '接口公示')).toBe(0)
  })

  it('through GraphQL: refused with 400, the field named', async () => {
    const data = { ...announcement('图形接口公示', LISTING), _status: 'published', review: { status: 'none' } }
    const r = await gql('mutation ($data: mutationAnnouncementInput!) { createAnnouncement(data: $data) { id } }', { data }, { token: tokens.editor })
    expect(gqlStatuses(r)).toEqual([400])
    expect(JSON.stringify(r.body.errors)).toContain('正文')
    expect(await count('announcements', '图形接口公示')).toBe(0)
  })

  it('a warning does not block; a draft with a serious finding saves, and is refused when published', async () => {
    const warned = (await payload.create({
      collection: 'announcements',
      data: { ...announcement('空调按装通知', '周末统一按装空调。'), _status: 'published' },
      overrideAccess: false,
      user: asUser(street.editor),
    })) as unknown as Doc
    expect(warned._status).toBe('published')

    const draft = (await payload.create({ collection: 'announcements', data: announcement('草稿公示', LISTING), overrideAccess: false, user: asUser(street.editor) })) as unknown as Doc
    expect(draft._status).toBe('draft')
    const again = (await payload.update({ collection: 'announcements', id: draft.id, data: { summary: '再存一次草稿' }, draft: true, overrideAccess: false, user: asUser(street.editor) })) as unknown as Doc
    expect(again._status).toBe('draft')
    const errors = await refusal(payload.update({ collection: 'announcements', id: draft.id, data: { _status: 'published' }, overrideAccess: false, user: asUser(street.editor) }))
    expect(errors[0].path).toBe('body')
    expect((await stored('announcements', draft.id))._status).toBe('draft')

    // Masked as the checks ask, it publishes.
    const masked = (await payload.update({
      collection: 'announcements',
      id: draft.id,
      data: { body: body('公示名单：张*三 3504**********0036，联系电话138****5678。'), _status: 'published' },
      overrideAccess: false,
      user: asUser(street.editor),
    })) as unknown as Doc
    expect(masked._status).toBe('published')
  })
})

describe('the override', () => {
  it('by an admin publishes with the reason recorded server-side, audited; a later new problem is not covered', async () => {
    const r = await rest('POST', 'announcements', {
      token: tokens.admin,
      body: {
        ...announcement('经批准公开的名单', LISTING),
        _status: 'published',
        // Who and when come from the server, never from the request.
        checksOverride: { reason: '区政府要求原样公示', by: '别人', at: '2000-01-01T00:00:00.000Z', covers: 'forged' },
      },
    })
    expect(r.status).toBe(201)
    const d = await stored('announcements', r.body.doc.id)
    expect(d._status).toBe('published')
    expect(d.checksOverride?.reason).toBe('区政府要求原样公示')
    // Named as the audit log names the admin (smallStreet's names are the address's local part).
    expect(d.checksOverride?.by).toBe('admin')
    expect(d.checksOverride?.at).not.toBe('2000-01-01T00:00:00.000Z')
    expect(Date.now() - new Date(d.checksOverride!.at!).getTime()).toBeLessThan(60_000)
    expect(d.checksOverride?.covers).not.toBe('forged')

    const entries = await auditEntries(d.id)
    expect(entries).toHaveLength(1)
    expect(String(entries[0].actor)).toBe(String(street.admin.id))
    expect(entries[0].detail).toContain('区政府要求原样公示')

    // A re-save keeps the override (and writes no second entry); a new ID number is not covered by it.
    const resaved = (await payload.update({ collection: 'announcements', id: d.id, data: { summary: '补充说明' }, overrideAccess: false, user: asUser(street.editor) })) as unknown as Doc
    expect(resaved.checksOverride?.reason).toBe('区政府要求原样公示')
    expect(await auditEntries(d.id)).toHaveLength(1)
    const errors = await refusal(
      payload.update({ collection: 'announcements', id: d.id, data: { body: body(`${LISTING}另：王小明 11010519491231002X`) }, overrideAccess: false, user: asUser(street.editor) }),
    )
    expect(errors[0].path).toBe('body')
    expect(errors[0].message).toContain('11010519491231002X')
  })

  it('is refused for a grid leader, over REST, and nothing is stored', async () => {
    await payload.updateGlobal({ slug: 'site-settings', data: { allowGridLeaderDirectPublish: true }, overrideAccess: true })
    try {
      const r = await rest('POST', 'announcements', {
        token: tokens.leaderA,
        body: { ...announcement('网格长放行', LISTING), _status: 'published', checksOverride: { reason: '我来放行' } },
      })
      expect(r.status).toBe(400)
      expect(r.body.errors[0].data.errors[0].path).toBe('checksOverride.reason')
      expect(r.body.errors[0].data.errors[0].message).toContain('只有管理员')
      expect(await count('announcements', '网格长放行')).toBe(0)

      // Not on a draft either.
      const draft = await rest('POST', 'announcements', { token: tokens.leaderA, body: { ...announcement('网格长草稿放行', LISTING), checksOverride: { reason: '先放行' } } })
      expect(draft.status).toBe(400)
      expect(await count('announcements', '网格长草稿放行')).toBe(0)
    } finally {
      await payload.updateGlobal({ slug: 'site-settings', data: { allowGridLeaderDirectPublish: false }, overrideAccess: true })
    }
  })

  it('is refused for an editor on content that is not urgent, and allowed on urgent content (audited)', async () => {
    const refused = await rest('POST', 'announcements', {
      token: tokens.editor,
      body: { ...announcement('编辑放行普通公告', LISTING), _status: 'published', checksOverride: { reason: '编辑认为可以' } },
    })
    expect(refused.status).toBe(400)
    expect(refused.body.errors[0].data.errors[0].path).toBe('checksOverride.reason')
    expect(await count('announcements', '编辑放行普通公告')).toBe(0)

    const urgent = await rest('POST', 'announcements', {
      token: tokens.editor,
      body: { ...announcement('紧急寻人', LISTING), urgent: true, _status: 'published', checksOverride: { reason: '紧急寻人须公开联系方式' } },
    })
    expect(urgent.status).toBe(201)
    const d = await stored('announcements', urgent.body.doc.id)
    expect(d._status).toBe('published')
    expect(d.checksOverride?.by).toBe('editor')
    expect((await auditEntries(d.id)).map((e) => String(e.actor))).toEqual([String(street.editor.id)])
  })
})

describe('the override in a bulk update', () => {
  // Payload saves a bulk PATCH's documents side by side on one request: each must be audited for itself.
  it('audits each document once, with its own findings', async () => {
    const two = await rest('POST', 'announcements', { token: tokens.admin, body: announcement('批量放行甲', LISTING) })
    const one = await rest('POST', 'announcements', { token: tokens.admin, body: announcement('批量放行乙', `联系电话${MOBILE}。`) })
    for (const r of [two, one]) expect(r.status, JSON.stringify(r.body)).toBe(201)
    const ids = [two, one].map((r) => r.body.doc.id as Id)

    const r = await rest('PATCH', `announcements?${new URLSearchParams({ 'where[id][in]': ids.join(',') })}`, {
      token: tokens.admin,
      body: { _status: 'published', checksOverride: { reason: '批量公示经批准' } },
    })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body.docs.map((d: { id: Id }) => String(d.id)).sort()).toEqual(ids.map(String).sort())

    const [auditTwo, auditOne] = await Promise.all(ids.map(auditEntries))
    // Three serious findings (the name beside the numbers, the ID number, the mobile) against one.
    expect(auditTwo.map((e) => e.detail)).toEqual([t('audit.detail.checksOverride', 'zh', { count: 3, reason: '批量公示经批准' })])
    expect(auditOne.map((e) => e.detail)).toEqual([t('audit.detail.checksOverride', 'zh', { count: 1, reason: '批量公示经批准' })])
  })
})

describe('a scheduled publication', () => {
  it('is refused, and the editor who scheduled it is mailed why', async () => {
    const title = '定时发布的公示'
    const d = (await payload.create({ collection: 'announcements', data: announcement(title, LISTING), overrideAccess: false, user: asUser(street.editor) })) as unknown as Doc
    const queued = (await payload.jobs.queue({
      task: 'schedulePublish',
      input: { type: 'publish', doc: { relationTo: 'announcements', value: String(d.id) }, user: { relationTo: 'users', value: street.editor.id } },
      waitUntil: new Date(Date.now() - 1000),
    } as never)) as { id: Id }
    await runDueJobs(payload)
    expect((await stored('announcements', d.id))._status).toBe('draft')
    const job = (
      await payload.find({ collection: 'payload-jobs' as never, where: { id: { equals: queued.id } }, overrideAccess: true, depth: 0 })
    ).docs[0] as { hasError?: boolean } | undefined
    expect(job?.hasError).toBe(true)

    const deadline = Date.now() + 20_000
    const mailTo = () => smtp.messages.find((m) => m.envelope.to.includes(street.editor.email))
    while (!mailTo() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    const mail = mailTo()
    expect(mail, 'no mail to the editor').toBeTruthy()
    expect(mail!.parsed?.subject).toContain(title)
    const text = mail!.parsed?.text ?? ''
    expect(text).toContain('发布前检查发现下列严重问题')
    expect(text).toContain('身份证号码')
    expect(text).toContain(`/admin/collections/announcements/${d.id}`)
    // Nobody else was mailed.
    expect(smtp.messages.filter((m) => !m.envelope.to.includes(street.editor.email))).toEqual([])
  })
})

describe('the checks endpoint', () => {
  it('answers the findings in Chinese, serious first, and the masked data with fix: true', async () => {
    const d = (await payload.create({
      collection: 'announcements',
      data: announcement('待检查的公示', `空调按装。${LISTING}`),
      overrideAccess: false,
      user: asUser(street.editor),
    })) as unknown as Doc
    const r = await rest('POST', 'announcements/checks', { token: tokens.editor, body: { id: d.id } })
    expect(r.status).toBe(200)
    const kinds = r.body.findings.map((f: { severity: string; kind: string }) => `${f.severity}:${f.kind}`)
    expect(kinds).toEqual(['serious:personal-name', 'serious:id-number', 'serious:mobile', 'warning:typo'])
    expect(r.body.serious).toBe(3)
    expect(r.body.warnings).toBe(1)
    const id = r.body.findings[1]
    expect(id).toMatchObject({ where: '正文', severityLabel: '严重', kindLabel: '身份证号码', match: ID, fix: '遮盖为“3504**********0036”', maskable: true })
    expect(id.what).toContain('身份证号码')

    // The form's current data, unsaved, is what is checked.
    const form = await rest('POST', 'announcements/checks', {
      token: tokens.editor,
      body: { id: d.id, data: { title: '李名华讲话', body: body('干净的正文') } },
    })
    expect(form.body.findings.map((f: { kind: string; path: string }) => `${f.path}:${f.kind}`)).toEqual(['title:official-name'])

    const fixed = await rest('POST', 'announcements/checks', { token: tokens.editor, body: { id: d.id, fix: true } })
    expect(fixed.status).toBe(200)
    expect(fixed.body.masked).toBe(3)
    expect(fixed.body.paths).toEqual(['body'])
    expect(fixed.body.serious).toBe(0)
    const text = JSON.stringify(fixed.body.data.body)
    expect(text).toContain('张*三')
    expect(text).toContain('3504**********0036')
    expect(text).toContain('138****5678')
    expect(text).not.toContain(ID)
    // A fix answers; it saves nothing.
    expect(JSON.stringify((await payload.findByID({ collection: 'announcements', id: d.id, draft: true, overrideAccess: true })).body)).toContain(ID)
  })

  it('only for staff who may update that document', async () => {
    const d = (await payload.create({ collection: 'announcements', data: announcement('甲一网格的公示', LISTING), overrideAccess: true })) as unknown as Doc
    expect((await rest('POST', 'announcements/checks', { body: { id: d.id } })).status).toBe(401)
    expect((await rest('POST', 'announcements/checks', { token: tokens.leaderB, body: { id: d.id } })).status).toBe(403)
    expect((await rest('POST', 'issues/checks', { token: tokens.leaderA, body: { data: { title: '期刊' } } })).status).toBe(403)
    const own = await rest('POST', 'announcements/checks', { token: tokens.leaderA, body: { id: d.id } })
    expect(own.status).toBe(200)
    expect(own.body.serious).toBe(3)
    // A new document (no id): the form's data, for those who may create one.
    const fresh = await rest('POST', 'events/checks', { token: tokens.editor, body: { data: { title: '国务阮来函', body: doc(p('正文')) } } })
    expect(fresh.status).toBe(200)
    expect(fresh.body.findings[0]).toMatchObject({ kind: 'official-name', where: '标题', severity: 'serious' })
  })
})
