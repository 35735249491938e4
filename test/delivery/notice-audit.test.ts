import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { closeDeliveryChannels } from '../../src/delivery/channels'
import { type Id, PASSWORD, smallStreet } from '../support/fixtures'
import { rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'
import { startSmtpServer, type SmtpTestServer } from '../support/smtp-server'
import { addSubscribers, deliveriesOf, drain, richBody } from './support'

/**
 * A notice to residents (a correction or a withdrawal notice) is audited when
 * it is created, like the other deliveries' actions: who asked for it (the
 * actor), which content (the target), the kind and number, the channels and
 * the audience (the grids by name, or the whole street). Asked again for the
 * same number, nothing is created and nothing more is recorded. Real local
 * SMTP server: the originals must have reached someone for a notice to exist.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let smtp: SmtpTestServer
const tokens: Record<string, string> = {}

type Entry = { action: string; actor?: unknown; actorName?: string; targetCollection?: string; targetId?: string; targetTitle?: string; detail?: string }
const noticeEntries = async (collection: string, id: Id) =>
  (
    await payload.find({
      collection: 'audit-log',
      where: { and: [{ action: { equals: 'notice' } }, { targetCollection: { equals: collection } }, { targetId: { equals: String(id) } }] },
      depth: 0,
      limit: 0,
      pagination: false,
      overrideAccess: true,
    })
  ).docs as unknown as Entry[]
const actorOf = (e: Entry) => String(typeof e.actor === 'object' && e.actor ? (e.actor as { id: Id }).id : e.actor)

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  smtp = await startSmtpServer({ keep: true })
  Object.assign(process.env, { SMTP_URL: smtp.url, MAIL_FROM: '街道资讯 <news@street.test>' })
  tokens.editor = await tokenFor(payload, street.editor.email, PASSWORD)
  tokens.admin = await tokenFor(payload, street.admin.email, PASSWORD)
})

afterAll(async () => {
  await closeDeliveryChannels()
  await smtp?.close()
  await payload?.destroy()
})

describe('the audit of notices to residents', () => {
  it('a correction notice of a grid announcement names the editor who asked, the content, the channel and the grids', async () => {
    await addSubscribers(payload, 2, { grid: street.gridA1.id, prefix: 'na-' })
    let r = await rest('POST', 'announcements?depth=0', {
      token: tokens.editor,
      body: { title: '停水通知（审计）', grids: [street.gridA1.id], summary: '周六停水。', body: richBody('周六上午停水，咨询电话 138 0000 0000。'), _status: 'published' },
    })
    expect(r.status).toBe(201)
    const id = r.body.doc.id as Id
    await drain(payload)
    expect(smtp.messages.filter((m) => m.parsed?.subject?.includes('停水通知（审计）'))).toHaveLength(2)

    // A correction without a notice: nothing created, nothing audited.
    r = await rest('PATCH', `announcements/${id}?depth=0`, { token: tokens.editor, body: { summary: '周六上午停水。', _status: 'published' } })
    expect(r.status).toBe(200)
    expect(await noticeEntries('announcements', id)).toHaveLength(0)

    // With the notice: one entry, by the editor, for this content, email, grid A-01.
    r = await rest('PATCH', `announcements/${id}?depth=0`, { token: tokens.editor, body: { summary: '周六上午八点起停水。', _status: 'published', notice: true } })
    expect(r.status).toBe(200)
    const notices = (await deliveriesOf(payload, 'announcements', id)).filter((d) => d.kind === 'correction')
    expect(notices.map((d) => d.channel)).toEqual(['email'])
    let entries = await noticeEntries('announcements', id)
    expect(entries).toHaveLength(1)
    expect(actorOf(entries[0])).toBe(String(street.editor.id))
    expect(entries[0].targetTitle).toBe('停水通知（审计）')
    expect(entries[0].detail).toBe('更正通知（第 2 次）；渠道：电子邮件；受众：A-01 甲一网格')

    // Asked again for the same correction: nothing new, no second entry.
    r = await rest('POST', `announcements/${id}/notice`, { token: tokens.admin, body: { kind: 'correction' } })
    expect(r.status).toBe(200)
    expect(r.body.created).toHaveLength(0)
    entries = await noticeEntries('announcements', id)
    expect(entries).toHaveLength(1)
    await drain(payload)
  })

  it('a withdrawal notice asked after the withdrawal names who pressed the button and the whole street', async () => {
    await addSubscribers(payload, 1, { grid: street.gridB1.id, prefix: 'nw-' })
    let r = await rest('POST', 'policies?depth=0', {
      token: tokens.editor,
      body: { title: '补贴政策（审计）', issuingBody: '区民政局', summary: '要点', body: richBody('正文。'), _status: 'published' },
    })
    expect(r.status).toBe(201)
    const id = r.body.doc.id as Id
    await drain(payload)
    r = await rest('PATCH', `policies/${id}?depth=0`, { token: tokens.editor, body: { _status: 'draft' } })
    expect(r.status).toBe(200)
    expect(await noticeEntries('policies', id)).toHaveLength(0)

    r = await rest('POST', `policies/${id}/notice`, { token: tokens.admin, body: { kind: 'withdrawal' } })
    expect(r.status).toBe(200)
    expect(r.body.created.length).toBeGreaterThan(0)
    const entries = await noticeEntries('policies', id)
    expect(entries).toHaveLength(1)
    expect(actorOf(entries[0])).toBe(String(street.admin.id))
    expect(entries[0].targetTitle).toBe('补贴政策（审计）')
    expect(entries[0].detail).toBe('撤回通知（第 1 次）；渠道：电子邮件；受众：全街道')
    // The audit log's own REST read shows it to admins.
    const listed = await rest('GET', `audit-log?where[action][equals]=notice&where[targetCollection][equals]=policies&where[targetId][equals]=${id}`, { token: tokens.admin })
    expect(listed.status).toBe(200)
    expect(listed.body.totalDocs).toBe(1)
    await drain(payload)
  })
})
