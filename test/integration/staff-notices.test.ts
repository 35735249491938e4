import { createLocalReq, type Payload } from 'payload'
import { renderToStaticMarkup } from 'react-dom/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { HomeBody, homeData } from '../../src/components/HomeBody'
import StaffNoticesLink from '../../src/components/StaffNoticesLink'
import { closeStaffMail, staffMailIdle } from '../../src/server/staffMailer'
import { body, type Id, PASSWORD, smallStreet } from '../support/fixtures'
import { gql, rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'
import { startSmtpServer, type SmtpTestServer } from '../support/smtp-server'

/**
 * 站内通知 (issue 14): when a submitter's content is approved or returned at a
 * review step, they get an in-admin notice (kind, content, step, reviewer,
 * comment), besides the mail; readable only by its recipient (and admins)
 * through REST and GraphQL, written by nobody through the API; listed on the
 * home with the unread count in the navigation; opening it marks it read
 * (the recipient only) and goes to the content.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let smtp: SmtpTestServer
const tokens: Record<string, string> = {}
const asUser = (u: { id: Id }) => ({ ...u, collection: 'users' }) as never

type Notice = { id: Id; kind: string; contentType: string; contentId: string; title: string; step: string; complete: boolean; reviewer: unknown; reviewerName: string; comment: string | null; readAt: string | null; recipient: unknown }
const idOfRel = (v: unknown) => String(typeof v === 'object' && v ? (v as { id: Id }).id : v)
const act = (id: Id, who: string, action: string, comment?: string) => rest('POST', `announcements/${id}/review`, { token: tokens[who], body: { action, comment } })
const noticesOf = async (user: { id: Id }) =>
  (await payload.find({ collection: 'staff-notices', where: { recipient: { equals: user.id } }, sort: 'createdAt', depth: 0, limit: 0, pagination: false, overrideAccess: true })).docs as unknown as Notice[]
const navHtml = async (user: { id: Id }) => {
  const full = await payload.findByID({ collection: 'users', id: user.id, depth: 0, overrideAccess: true })
  const el = await StaffNoticesLink({ user: { ...full, collection: 'users' }, i18n: { language: 'zh' }, payload } as never)
  return el ? renderToStaticMarkup(el) : ''
}

let annId: Id
let returned: Notice
let approved: Notice

beforeAll(async () => {
  smtp = await startSmtpServer()
  process.env.SMTP_URL = smtp.url
  process.env.MAIL_FROM = '街道资讯 <noreply@street.test>'
  payload = await testPayload()
  street = await smallStreet(payload)
  await payload.updateGlobal({ slug: 'site-settings', data: { reviewChains: { announcements: { custom: false, steps: [] } }, allowGridLeaderDirectPublish: false } as never, overrideAccess: true })
  for (const who of ['admin', 'editor', 'leaderA', 'leaderB', 'staffA'] as const) tokens[who] = await tokenFor(payload, street[who].email, PASSWORD)

  // A grid leader's announcement, returned with a comment, then approved.
  const a = (await payload.create({
    collection: 'announcements',
    data: { title: '楼道清理通知', grids: [street.gridA1.id], body: body('周六上午清理楼道杂物，咨询电话 138 0000 0000。') },
    overrideAccess: false,
    user: asUser(street.leaderA),
  })) as unknown as { id: Id }
  annId = a.id
  expect((await act(annId, 'leaderA', 'submit')).status).toBe(200)
  expect((await act(annId, 'editor', 'return', '请写明集合地点。')).status).toBe(200)
  expect((await act(annId, 'leaderA', 'submit')).status).toBe(200)
  expect((await act(annId, 'editor', 'approve')).status).toBe(200)
  await staffMailIdle()
  ;[returned, approved] = await noticesOf(street.leaderA)
})

afterAll(async () => {
  await closeStaffMail()
  await smtp?.close()
  await payload?.destroy()
})

describe('the submitter’s in-admin notices', () => {
  it('records the return and the approval: kind, content, step, reviewer and comment, unread', async () => {
    expect(await noticesOf(street.leaderA)).toHaveLength(2)
    expect(returned).toMatchObject({ kind: 'returned', contentType: 'announcements', contentId: String(annId), title: '楼道清理通知', step: '初审', comment: '请写明集合地点。', reviewerName: 'editor' })
    expect(returned.readAt ?? null).toBeNull()
    expect(idOfRel(returned.reviewer)).toBe(String(street.editor.id))
    expect(approved).toMatchObject({ kind: 'approved', step: '初审', complete: true })
    expect(approved.comment ?? null).toBeNull()
    expect(approved.readAt ?? null).toBeNull()
    // Nobody else got one: not the reviewer, not the other leader.
    expect(await noticesOf(street.editor)).toHaveLength(0)
    expect(await noticesOf(street.leaderB)).toHaveLength(0)
  })

  it('is read only by its recipient and admins through REST', async () => {
    const mine = await rest('GET', 'staff-notices?depth=0', { token: tokens.leaderA })
    expect(mine.status).toBe(200)
    expect(mine.body.docs.map((d: Notice) => d.kind).sort()).toEqual(['approved', 'returned'])
    for (const who of ['leaderB', 'editor', 'staffA']) {
      const list = await rest('GET', 'staff-notices?depth=0', { token: tokens[who] })
      expect(list.status).toBe(200)
      expect(list.body.totalDocs).toBe(0)
      const one = await rest('GET', `staff-notices/${returned.id}?depth=0`, { token: tokens[who] })
      expect([403, 404]).toContain(one.status)
      expect(JSON.stringify(one.body)).not.toContain('请写明集合地点')
      // Not even by asking for the recipient's rows.
      const where = await rest('GET', `staff-notices?where[recipient][equals]=${street.leaderA.id}`, { token: tokens[who] })
      expect(where.body.totalDocs ?? 0).toBe(0)
    }
    expect((await rest('GET', 'staff-notices?depth=0', {})).status).toBe(403)
    const byAdmin = await rest('GET', `staff-notices/${returned.id}?depth=0`, { token: tokens.admin })
    expect(byAdmin.status).toBe(200)
    expect(byAdmin.body.comment).toBe('请写明集合地点。')
  })

  it('is read only by its recipient and admins through GraphQL', async () => {
    const list = `{ StaffNotices { totalDocs docs { id kind comment } } }`
    expect((await gql(list, {}, { token: tokens.leaderA })).body.data.StaffNotices.totalDocs).toBe(2)
    for (const who of ['leaderB', 'editor', 'staffA']) {
      const r = await gql(list, {}, { token: tokens[who] })
      expect(r.body.data?.StaffNotices?.totalDocs ?? 0).toBe(0)
      const one = await gql(`{ StaffNotice(id: ${JSON.stringify(returned.id)}) { id comment } }`, {}, { token: tokens[who] })
      expect(one.body.data?.StaffNotice ?? null).toBeNull()
      expect(JSON.stringify(one.body)).not.toContain('请写明集合地点')
    }
    expect((await gql(list, {}, { token: tokens.admin })).body.data.StaffNotices.totalDocs).toBe(2)
  })

  it('is written by nobody through the API, the recipient included', async () => {
    expect((await rest('PATCH', `staff-notices/${returned.id}`, { token: tokens.leaderA, body: { readAt: new Date().toISOString() } })).status).toBe(403)
    expect((await rest('POST', 'staff-notices', { token: tokens.leaderA, body: { recipient: street.leaderB.id, kind: 'approved' } })).status).toBe(403)
    expect((await rest('DELETE', `staff-notices/${returned.id}`, { token: tokens.leaderA })).status).toBe(403)
    const g = await gql(`mutation { updateStaffNotice(id: ${JSON.stringify(returned.id)}, data: { comment: "改" }) { id } }`, {}, { token: tokens.leaderA })
    expect(g.body.errors?.length).toBeGreaterThan(0)
    expect((await noticesOf(street.leaderA))[0].comment).toBe('请写明集合地点。')
  })

  it('shows on the leader’s home first, with the count in the navigation; opening one marks it read and goes to the content', async () => {
    const req = await createLocalReq({ user: asUser({ ...(await payload.findByID({ collection: 'users', id: street.leaderA.id, depth: 0, overrideAccess: true })) }) }, payload)
    let data = await homeData(req, 'zh')
    expect(data.notices.unread).toBe(2)
    let html = renderToStaticMarkup(HomeBody({ data }))
    // The first card of a grid leader's home.
    expect(html.match(/<section class="home-card[^"]*" id="([^"]+)"/)?.[1]).toBe('home-notices')
    expect(html).toContain('我的通知（未读 2）')
    expect(html).toContain('“楼道清理通知”在初审被退回（审核人：editor）。')
    expect(html).toContain('意见：请写明集合地点。')
    expect(html).toContain('“楼道清理通知”已通过全部审核（初审，审核人：editor），可以发布。')
    expect(await navHtml(street.leaderA)).toContain('未读通知（2）')
    expect(await navHtml(street.leaderB)).toBe('')

    // Someone else opening it: not found, still unread.
    expect((await rest('GET', `staff-notices/${returned.id}/open`, { token: tokens.leaderB })).status).toBe(404)
    // An admin may read it, but opening it does not mark it read for the leader.
    expect((await rest('GET', `staff-notices/${returned.id}/open`, { token: tokens.admin })).status).toBe(303)
    expect((await noticesOf(street.leaderA))[0].readAt ?? null).toBeNull()

    const opened = await rest('GET', `staff-notices/${returned.id}/open`, { token: tokens.leaderA })
    expect(opened.status).toBe(303)
    expect(opened.headers.get('location')).toBe(`/admin/collections/announcements/${annId}`)
    const after = await noticesOf(street.leaderA)
    expect(after[0].readAt).toBeTruthy()
    expect(after[1].readAt ?? null).toBeNull()
    data = await homeData(req, 'zh')
    expect(data.notices.unread).toBe(1)
    html = renderToStaticMarkup(HomeBody({ data }))
    expect(html).toContain('我的通知（未读 1）')
    expect(html).toContain('data-unread="no"')
    expect(await navHtml(street.leaderA)).toContain('未读通知（1）')
  })
})
