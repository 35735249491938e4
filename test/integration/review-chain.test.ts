import { createLocalReq, type Payload } from 'payload'
import sharp from 'sharp'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { mayPublish } from '../../src/access/publish'
import { AWAITING_MEMO, awaitingMyReview, awaitingReview, awaitingReviewCount } from '../../src/hooks/reviewQueue'
import { runDueJobs } from '../../src/jobs/scheduler'
import { t } from '../../src/i18n/messages'
import { closeStaffMail, staffMailIdle } from '../../src/server/staffMailer'
import { body, PASSWORD, smallStreet, type Id } from '../support/fixtures'
import { gql, gqlStatuses, rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'
import { startSmtpServer, type SmtpTestServer } from '../support/smtp-server'

/**
 * The review chain (issue 14): chains of one, two and three steps set per
 * content type in site settings; the actions through the review endpoint
 * (POST /api/<collection>/:id/review), each refused to a user the current step
 * does not name, through the endpoint, REST and GraphQL alike; withdrawal by
 * the submitter only; a change after an approval back to step 1; the
 * review-only role (审核领导) approves but never edits; a scheduled
 * publication follows the chain; notices by staff mail and the 待审核 count.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let smtp: SmtpTestServer
type U = { id: Id; email: string; role: string; collection: 'users' }
let editor2: U
let chief: U // 审核领导 named on a step
let deputy: U // 审核领导 by role only
const tokens: Record<string, string> = {}

type Review = { status: string; step: number; submittedBy?: string | null; history?: { step: number; stepName: string; action: string; user: string; comment?: string | null }[] }
type Doc = { id: Id; title: string; _status: string; review: Review; grids?: unknown[] }
const asUser = (u: { id: Id }) => ({ ...u, collection: 'users' }) as never

const latest = async (collection: string, id: Id) =>
  (await payload.findByID({ collection: collection as never, id, draft: true, overrideAccess: true, depth: 0 })) as unknown as Doc
const main = async (collection: string, id: Id) => (await payload.findByID({ collection: collection as never, id, overrideAccess: true, depth: 0 })) as unknown as Doc

const act = (collection: string, id: Id, who: string, action: string, comment?: string) =>
  rest('POST', `${collection}/${id}/review`, { token: tokens[who], body: { action, comment } })
const patch = (collection: string, id: Id, who: string, data: Record<string, unknown>) => rest('PATCH', `${collection}/${id}?depth=0`, { token: tokens[who], body: data })

const GQL_UPDATE: Record<string, string> = { announcements: 'updateAnnouncement', policies: 'updatePolicy' }
const gqlStatus = (collection: string, id: Id, who: string, status: string, comment?: string) =>
  gql(
    `mutation { ${GQL_UPDATE[collection]}(id: ${JSON.stringify(id)}, data: { review: { status: ${status}${comment ? `, comment: ${JSON.stringify(comment)}` : ''} } }) { id } }`,
    {},
    { token: tokens[who] },
  )
const gqlMessage = (r: { body: { errors?: { message?: string; extensions?: { data?: { errors?: { message: string }[] } } }[] } }) =>
  JSON.stringify(r.body.errors ?? [])

const notYour = (step: string) => t('review.error.notYourStep', 'zh', { step })

type Step = { name: string; by?: 'role' | 'users'; role?: string; users?: Id[] }
const setChain = (slug: string, steps: Step[] | null, editorsToo = false) =>
  payload.updateGlobal({
    slug: 'site-settings',
    data: { reviewChains: { [slug]: steps ? { custom: true, editorsToo, steps } : { custom: false, steps: [] } } } as never,
    // As an admin does it in the admin: named reviewers are checked against the staff an admin may pick.
    overrideAccess: false,
    user: asUser(street.admin),
  })

const announcementBy = async (who: { id: Id }, title: string) =>
  (await payload.create({
    collection: 'announcements',
    data: { title, grids: [street.gridA1.id], body: body('周三下午 2 点在社区活动室开会。') },
    overrideAccess: false,
    user: asUser(who),
  })) as unknown as Doc
const policyBy = async (who: { id: Id }, title: string) =>
  (await payload.create({ collection: 'policies', data: { title, issuingBody: '区民政局', summary: '政策解读正文。', body: body('政策解读正文。') } as never, overrideAccess: false, user: asUser(who) })) as unknown as Doc

/** Announcements reviewed by editors (初审) then reviewers (复审); a leader's announcement submitted and past 初审. */
async function passedFirstOfTwoSteps(title: string) {
  await setChain('announcements', [
    { name: '初审', role: 'editor' },
    { name: '复审', role: 'reviewer' },
  ])
  const a = await announcementBy(street.leaderA, title)
  await act('announcements', a.id, 'leaderA', 'submit')
  await act('announcements', a.id, 'editor', 'approve')
  return a
}

const mailsTo = (email: string, subject: string) => smtp.messages.filter((m) => m.envelope.to.includes(email) && (m.parsed?.subject ?? '').includes(subject))
async function waitForMail(email: string, subject: string) {
  const deadline = Date.now() + 20_000
  await staffMailIdle()
  while (!mailsTo(email, subject).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  return mailsTo(email, subject)
}

beforeAll(async () => {
  smtp = await startSmtpServer()
  process.env.SMTP_URL = smtp.url
  process.env.MAIL_FROM = '街道资讯 <noreply@street.test>'
  payload = await testPayload()
  street = await smallStreet(payload)
  const mk = async (email: string, role: string) =>
    ({ ...(await payload.create({ collection: 'users', data: { email, password: PASSWORD, name: email.split('@')[0], role } as never, overrideAccess: true })), collection: 'users' }) as unknown as U
  editor2 = await mk('editor2@test.local', 'editor')
  chief = await mk('chief@test.local', 'reviewer')
  deputy = await mk('deputy@test.local', 'reviewer')
  const all = { ...street, editor2, chief, deputy }
  for (const who of ['admin', 'editor', 'editor2', 'chief', 'deputy', 'leaderA', 'leaderB', 'staffA'] as const) tokens[who] = await tokenFor(payload, all[who].email, PASSWORD)
})
beforeEach(async () => {
  await setChain('announcements', null)
  await setChain('policies', null)
  await setChain('events', null)
})
afterAll(async () => {
  await closeStaffMail()
  await smtp?.close()
})

describe('a chain of one step (the default for announcements)', () => {
  it('the leader submits with the endpoint; editors are mailed; a user the step does not name is refused by endpoint, REST and GraphQL; an editor approves; the leader is mailed and publishes', async () => {
    const a = await announcementBy(street.leaderA, '单步审核的公告')
    const submitted = await act('announcements', a.id, 'leaderA', 'submit')
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200)
    expect(submitted.body).toMatchObject({ status: 'pending', step: 0, steps: ['初审'] })
    expect(submitted.body.actions).toEqual(['withdraw'])
    expect(await waitForMail(street.editor.email, '待审核（初审）：《单步审核的公告》')).toHaveLength(1)

    // Community staff of the same community, and a reviewer: not named by an editors' step.
    const byStaff = await act('announcements', a.id, 'staffA', 'approve')
    expect(byStaff.status).toBe(403)
    expect(byStaff.body.message).toBe(notYour('初审'))
    expect((await act('announcements', a.id, 'chief', 'approve')).status).toBe(403)
    const rest1 = await patch('announcements', a.id, 'staffA', { review: { status: 'approved' } })
    expect(rest1.status).toBe(400)
    expect(rest1.body.errors[0].data.errors).toEqual([{ path: 'review.status', label: '审核状态', message: notYour('初审') }])
    const gql1 = await gqlStatus('announcements', a.id, 'staffA', 'approved')
    expect(gqlStatuses(gql1)).toEqual([400])
    expect(gqlMessage(gql1)).toContain(notYour('初审'))
    const gqlReturn = await gqlStatus('announcements', a.id, 'leaderA', 'returned', '自己退回')
    expect(gqlStatuses(gqlReturn)).toEqual([400])
    expect((await latest('announcements', a.id)).review).toMatchObject({ status: 'pending', step: 0 })

    const approved = await act('announcements', a.id, 'editor', 'approve')
    expect(approved.status).toBe(200)
    expect(approved.body.status).toBe('approved')
    expect(await waitForMail(street.leaderA.email, '审核通过：《单步审核的公告》')).toHaveLength(1)
    const published = await patch('announcements', a.id, 'leaderA', { _status: 'published' })
    expect(published.status, JSON.stringify(published.body)).toBe(200)
    expect((await main('announcements', a.id))._status).toBe('published')

    const history = (await latest('announcements', a.id)).review.history!
    expect(history.map((h) => [h.action, h.step, h.stepName, String(h.user)])).toEqual([
      ['submit', 0, '初审', String(street.leaderA.id)],
      ['approve', 0, '初审', String(street.editor.id)],
    ])
    const audits = await payload.find({ collection: 'audit-log', where: { and: [{ targetCollection: { equals: 'announcements' } }, { targetId: { equals: String(a.id) } }] }, sort: 'createdAt', overrideAccess: true, depth: 0 })
    expect(audits.docs.map((d) => d.action)).toEqual(['submit', 'approve', 'publish'])
    expect(audits.docs[0].detail).toContain('初审')
  })
})

describe('a chain of two steps: editor (初审) then a review-only leader (复审)', () => {
  it('advances step by step; each step refuses those it does not name, over REST and GraphQL; publication needs both', async () => {
    await setChain('announcements', [
      { name: '初审', role: 'editor' },
      { name: '复审', role: 'reviewer' },
    ])
    const a = await announcementBy(street.leaderA, '两步审核的公告')
    expect((await act('announcements', a.id, 'leaderA', 'submit')).status).toBe(200)
    // The step, the submitter and the history are the server's: a request cannot skip a step or rewrite them.
    const forged = await patch('announcements', a.id, 'leaderA', { review: { status: 'pending', step: 1, submittedBy: String(street.editor.id), history: [] } })
    expect(forged.status, JSON.stringify(forged.body)).toBe(200)
    const kept = (await latest('announcements', a.id)).review
    expect(kept).toMatchObject({ status: 'pending', step: 0, submittedBy: String(street.leaderA.id) })
    expect(kept.history).toHaveLength(1)
    expect((await act('announcements', a.id, 'chief', 'approve')).body.message).toBe(notYour('初审'))
    const first = await act('announcements', a.id, 'editor', 'approve')
    expect(first.body).toMatchObject({ status: 'pending', step: 1 })
    expect(first.body.state).toBe('待复审（第 2/2 步）')
    expect(await waitForMail(chief.email, '待审核（复审）')).toHaveLength(1)
    expect(await waitForMail(street.leaderA.email, '初审通过：《两步审核的公告》')).toHaveLength(1)

    // The editor may update the announcement but is not named by 复审.
    const byEditor = await patch('announcements', a.id, 'editor', { review: { status: 'approved' } })
    expect(byEditor.status).toBe(400)
    expect(byEditor.body.errors[0].data.errors[0].message).toBe(notYour('复审'))
    expect(gqlStatuses(await gqlStatus('announcements', a.id, 'editor', 'approved'))).toEqual([400])
    expect(gqlStatuses(await gqlStatus('announcements', a.id, 'editor', 'returned', '退回'))).toEqual([400])
    // Not yet publishable by the leader.
    const early = await patch('announcements', a.id, 'leaderA', { _status: 'published' })
    expect(early.status).toBe(400)
    expect(early.body.errors[0].data.errors[0].message).toBe(t('review.error.needsApproval', 'zh'))

    // The 待审核 count: the reviewers have it, the editors no longer.
    const countFor = async (u: { id: Id }) => {
      const user = await payload.findByID({ collection: 'users', id: u.id, overrideAccess: true, depth: 0 })
      const req = await createLocalReq({ user: { ...user, collection: 'users' } as never }, payload)
      return (await awaitingReview(req, { limit: 5 })).find((x) => x.slug === 'announcements')
    }
    expect((await countFor(chief))?.docs.map((d) => String(d.id))).toContain(String(a.id))
    expect((await countFor(street.editor))?.docs.map((d) => String(d.id)) ?? []).not.toContain(String(a.id))

    const second = await act('announcements', a.id, 'deputy', 'approve')
    expect(second.body).toMatchObject({ status: 'approved', step: 1 })
    expect((await patch('announcements', a.id, 'leaderA', { _status: 'published' })).status).toBe(200)
  })

  it('a change after an approval at any step returns the content to step 1', async () => {
    const a = await passedFirstOfTwoSteps('改动后回到第一步')
    expect((await latest('announcements', a.id)).review).toMatchObject({ status: 'pending', step: 1 })
    // The leader's change after 初审 approved it: 初审 sees it again.
    expect((await patch('announcements', a.id, 'leaderA', { title: '改动后回到第一步（改）' })).status).toBe(200)
    const back = (await latest('announcements', a.id)).review
    expect(back).toMatchObject({ status: 'pending', step: 0 })
    expect(back.history!.at(-1)?.action).toBe('reset')

    await act('announcements', a.id, 'editor', 'approve')
    await act('announcements', a.id, 'chief', 'approve')
    expect((await latest('announcements', a.id)).review.status).toBe('approved')
    // After the whole chain: an editor's change too, since 复审 was not theirs.
    expect((await patch('announcements', a.id, 'editor', { title: '编辑又改了' })).status).toBe(200)
    expect((await latest('announcements', a.id)).review).toMatchObject({ status: 'none', step: 0 })
    expect((await patch('announcements', a.id, 'leaderA', { _status: 'published' })).status).toBe(400)
    const audits = await payload.find({ collection: 'audit-log', where: { and: [{ targetCollection: { equals: 'announcements' } }, { targetId: { equals: String(a.id) } }, { action: { equals: 'review-reset' } }] }, overrideAccess: true })
    expect(audits.totalDocs).toBe(2)
  })
})

describe('a chain of three steps on policies, editors too (初审 editor, 复审 a named leader, 终审 any review-only leader)', () => {
  it('runs 初审 → 复审 → 终审; a return needs a comment, sends it back to the submitter and step 1', async () => {
    await setChain(
      'policies',
      [
        { name: '初审', role: 'editor' },
        { name: '复审', by: 'users', users: [chief.id] },
        { name: '终审', role: 'reviewer' },
      ],
      true,
    )
    const p = await policyBy(street.editor, '三审的政策解读')
    // Editors too: the writer cannot publish before the chain is done.
    expect((await patch('policies', p.id, 'editor', { _status: 'published' })).status).toBe(400)
    expect((await act('policies', p.id, 'editor', 'submit')).status).toBe(200)
    const own = await act('policies', p.id, 'editor', 'approve')
    expect(own.status).toBe(403)
    expect(own.body.message).toBe(t('review.error.ownSubmission', 'zh'))
    expect((await act('policies', p.id, 'editor2', 'approve')).body.step).toBe(1)
    // 复审 names chief only: deputy is refused, by the endpoint; editor2 by REST and GraphQL.
    expect((await act('policies', p.id, 'deputy', 'approve')).body.message).toBe(notYour('复审'))
    expect((await patch('policies', p.id, 'editor2', { review: { status: 'approved' } })).status).toBe(400)
    expect(gqlStatuses(await gqlStatus('policies', p.id, 'editor2', 'approved'))).toEqual([400])
    expect((await act('policies', p.id, 'chief', 'approve')).body).toMatchObject({ status: 'pending', step: 2 })
    // 终审: any reviewer; a return without a comment is refused.
    const bare = await act('policies', p.id, 'deputy', 'return', '  ')
    expect(bare.status).toBe(400)
    expect(bare.body.message).toBe(t('error.returnNeedsComment', 'zh'))
    const returned = await act('policies', p.id, 'deputy', 'return', '第三段政策依据请写全称。')
    expect(returned.body).toMatchObject({ status: 'returned', step: 0 })
    expect(await waitForMail(street.editor.email, '审核退回：《三审的政策解读》')).toHaveLength(1)
    expect(mailsTo(street.editor.email, '审核退回')[0].parsed?.text).toContain('第三段政策依据请写全称。')

    expect((await act('policies', p.id, 'editor', 'submit')).status).toBe(200)
    await act('policies', p.id, 'editor2', 'approve')
    await act('policies', p.id, 'chief', 'approve')
    expect((await act('policies', p.id, 'deputy', 'approve')).body.status).toBe('approved')
    expect((await patch('policies', p.id, 'editor', { _status: 'published' })).status).toBe(200)
    const actions = (await latest('policies', p.id)).review.history!.map((h) => `${h.action}@${h.stepName}`)
    expect(actions).toEqual(['submit@初审', 'approve@初审', 'approve@复审', 'return@终审', 'submit@初审', 'approve@初审', 'approve@复审', 'approve@终审'])
  })
})

describe('withdrawal', () => {
  it('only the submitter withdraws, by the endpoint, REST or GraphQL', async () => {
    const a = await announcementBy(street.leaderA, '撤回提交的公告')
    await act('announcements', a.id, 'leaderA', 'submit')
    const byEditor = await act('announcements', a.id, 'editor', 'withdraw')
    expect(byEditor.status).toBe(403)
    expect(byEditor.body.message).toBe(t('review.error.notSubmitter', 'zh'))
    expect((await patch('announcements', a.id, 'editor', { review: { status: 'none' } })).status).toBe(400)
    expect(gqlStatuses(await gqlStatus('announcements', a.id, 'staffA', 'none'))).toEqual([400])
    expect((await latest('announcements', a.id)).review.status).toBe('pending')
    // What the review panel reads: the state and only the actions this user may take.
    const seen = await rest('GET', `announcements/${a.id}/review`, { token: tokens.editor })
    expect(seen.status).toBe(200)
    expect(seen.body).toMatchObject({ status: 'pending', step: 0, state: '待初审（第 1/1 步）', steps: ['初审'], actions: ['approve', 'return'] })
    expect((await rest('GET', `announcements/${a.id}/review`, { token: tokens.leaderB })).status).toBe(403)
    const withdrawn = await act('announcements', a.id, 'leaderA', 'withdraw')
    expect(withdrawn.body).toMatchObject({ status: 'none', step: 0 })
    expect(withdrawn.body.actions).toEqual(['submit'])
  })
})

describe('the review-only role (审核领导)', () => {
  it('reads content, cannot write, create or publish it, by REST or GraphQL', async () => {
    const a = await announcementBy(street.leaderA, '审核领导只读')
    const p = await policyBy(street.editor, '审核领导只读政策')
    expect((await rest('GET', `announcements/${a.id}?draft=true`, { token: tokens.chief })).status).toBe(200)
    expect((await rest('GET', `policies/${p.id}?draft=true`, { token: tokens.chief })).status).toBe(200)
    expect((await patch('announcements', a.id, 'chief', { title: '改了' })).status).toBe(403)
    expect((await patch('policies', p.id, 'chief', { _status: 'published' })).status).toBe(403)
    expect((await rest('POST', 'policies', { token: tokens.chief, body: { title: '新建', issuingBody: '区民政局', summary: '摘要', body: body('x') } })).status).toBe(403)
    expect(gqlStatuses(await gql(`mutation { updatePolicy(id: ${JSON.stringify(p.id)}, data: { title: "改了" }) { id } }`, {}, { token: tokens.chief }))).toEqual([403])
    expect((await rest('GET', 'audit-log', { token: tokens.chief })).status).toBe(403)
    // Read-only everywhere else too: no upload, no settings, no grids, no edit lock, no other accounts.
    const form = new FormData()
    form.append('file', new Blob([await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } }).png().toBuffer()], { type: 'image/png' }), 'x.png')
    form.append('_payload', JSON.stringify({ alt: '图' }))
    expect((await rest('POST', 'media', { token: tokens.chief, form })).status).toBe(403)
    expect((await rest('POST', 'globals/site-settings', { token: tokens.chief, body: { hotline: '12345' } })).status).toBe(403)
    expect((await rest('POST', 'grids', { token: tokens.chief, body: { code: 'Z-01', name: '新网格', community: street.commA.id, households: 1 } })).status).toBe(403)
    const lock = await rest('POST', 'payload-locked-documents', { token: tokens.chief, body: { document: { relationTo: 'policies', value: p.id }, user: { relationTo: 'users', value: chief.id } } })
    expect(lock.status).toBe(403)
    const users = await rest('GET', 'users', { token: tokens.chief })
    expect(users.body.docs.map((u: { id: Id }) => String(u.id))).toEqual([String(chief.id)])
    expect((await latest('policies', p.id)).title).toBe('审核领导只读政策')
    expect((await main('policies', p.id))._status).toBe('draft')
  })
})

describe('a scheduled publication follows the chain', () => {
  it('does not publish content whose chain is not complete, and mails the one who scheduled it why', async () => {
    const a = await passedFirstOfTwoSteps('定时发布未审完')
    await payload.jobs.queue({
      task: 'schedulePublish',
      input: { type: 'publish', doc: { relationTo: 'announcements', value: String(a.id) }, user: { relationTo: 'users', value: street.leaderA.id } },
      waitUntil: new Date(Date.now() - 1000),
    } as never)
    await runDueJobs(payload)
    expect((await main('announcements', a.id))._status).toBe('draft')
    const [mail] = await waitForMail(street.leaderA.email, '定时发布未完成：《定时发布未审完》')
    expect(mail, 'no mail to the leader').toBeTruthy()
    expect(mail.parsed?.text).toContain('审核尚未完成（当前：待复审（第 2/2 步））')

    // Once the chain is complete, the same scheduled publication goes through.
    await act('announcements', a.id, 'chief', 'approve')
    await payload.jobs.queue({
      task: 'schedulePublish',
      input: { type: 'publish', doc: { relationTo: 'announcements', value: String(a.id) }, user: { relationTo: 'users', value: street.leaderA.id } },
      waitUntil: new Date(Date.now() - 1000),
    } as never)
    await runDueJobs(payload)
    expect((await main('announcements', a.id))._status).toBe('published')
  })
})

describe('a grid leader of one grid', () => {
  it('gets that grid without picking it', async () => {
    const a = (await payload.create({
      collection: 'announcements',
      data: { title: '不用选网格', body: body('正文') } as never,
      overrideAccess: false,
      user: asUser(street.leaderA),
    })) as unknown as Doc
    expect((a.grids ?? []).map((g) => String((g as { id?: Id }).id ?? g))).toEqual([String(street.gridA1.id)])
  })
})

describe('the publish dialog and the server agree (mayPublish follows the chain)', () => {
  it('a chain on policies (editors too) and none on events: who may publish what, the same in the dialog and on save', async () => {
    await setChain('policies', [{ name: '初审', role: 'reviewer' }], true)
    await setChain('events', [])
    const policy = (await payload.create({ collection: 'policies', data: { title: '待审的政策解读', issuingBody: '区民政局', summary: '要点。', body: body('正文。') } as never, draft: true, overrideAccess: true })) as unknown as Doc
    const event = (await payload.create({
      collection: 'events',
      data: { title: '甲一网格的活动', summary: '活动。', startsAt: '2026-12-20T02:00:00.000Z', location: '甲一网格活动室', wholeStreet: false, grids: [street.gridA1.id], body: body('欢迎参加。') } as never,
      draft: true,
      overrideAccess: true,
    })) as unknown as Doc
    const dialog = async (who: 'editor' | 'leaderA', slug: 'policies' | 'events', doc: Doc) => {
      const user = await payload.findByID({ collection: 'users', id: street[who].id, overrideAccess: true, depth: 0 })
      const req = await createLocalReq({ user: { ...user, collection: 'users' } as never }, payload)
      return mayPublish(req, slug, (await latest(slug, doc.id)) as never)
    }
    // The dialog's answer first, then the server's to the same user publishing the same content.
    const verdicts: [string, boolean, boolean][] = []
    for (const [who, slug, doc] of [
      ['leaderA', 'policies', policy],
      ['leaderA', 'events', event],
      ['editor', 'policies', policy],
      ['editor', 'events', event],
    ] as const) {
      const shown = await dialog(who, slug, doc)
      const saved = await patch(slug, doc.id, who, { _status: 'published' })
      verdicts.push([`${who} ${slug}`, shown, saved.status === 200])
    }
    expect(verdicts).toEqual([
      ['leaderA policies', false, false],
      // A grid leader writes neither policies nor events: refused by both whatever the chain.
      ['leaderA events', false, false],
      // The chain says editors too: an editor's unapproved policy is refused by both.
      ['editor policies', false, false],
      ['editor events', true, true],
    ])
    // Once the chain approved it, the editor may publish the policy in both.
    await act('policies', policy.id, 'editor', 'submit')
    expect((await act('policies', policy.id, 'chief', 'approve')).body.status).toBe('approved')
    expect(await dialog('editor', 'policies', policy)).toBe(true)
    expect((await patch('policies', policy.id, 'editor', { _status: 'published' })).status).toBe(200)
  })
})

describe('待审核 once per request', () => {
  it("the navigation's count and the home's card read one result per request: the per-type queries run once", async () => {
    const a = await announcementBy(street.leaderA, '首页待审核只查一次')
    await act('announcements', a.id, 'leaderA', 'submit')
    const user = await payload.findByID({ collection: 'users', id: street.editor.id, overrideAccess: true, depth: 0 })
    const reqFor = () => createLocalReq({ user: { ...user, collection: 'users' } as never }, payload)
    const find = payload.find.bind(payload)
    let queries = 0
    payload.find = ((args: { collection: string }) => {
      if (['issues', 'events', 'policies', 'announcements'].includes(args.collection)) queries++
      return find(args as never)
    }) as typeof payload.find
    try {
      // What one look at the queue costs: one query per content type that has a step naming the editor.
      await awaitingReview(await reqFor(), { limit: 10 })
      const perLook = queries
      expect(perLook).toBeGreaterThan(0)

      queries = 0
      const req = await reqFor()
      const [count, home] = await Promise.all([awaitingReviewCount(req), awaitingMyReview(req)])
      expect(queries).toBe(perLook)
      expect(count).toBe(home.total)
      expect(home.items.map((i) => String(i.id))).toContain(String(a.id))
      expect(await awaitingReviewCount(req)).toBe(count)
      expect(queries).toBe(perLook)

      // Another request asks again.
      await awaitingReviewCount(await reqFor())
      expect(queries).toBe(2 * perLook)

      // An admin page's navigation and view (two requests) carrying one holder, as components/pageContext.ts puts it: once.
      queries = 0
      const holder = {}
      const [nav, view] = [await reqFor(), await reqFor()]
      for (const r of [nav, view]) (r.context as Record<string, unknown>)[AWAITING_MEMO] = holder
      const [navCount, viewHome] = await Promise.all([awaitingReviewCount(nav), awaitingMyReview(view)])
      expect(navCount).toBe(viewHome.total)
      expect(queries).toBe(perLook)
    } finally {
      payload.find = find
    }
  })
})
