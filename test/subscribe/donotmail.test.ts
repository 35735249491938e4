import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { SubscriberDoc } from '../../src/collections/Subscribers'
import { HOUSEKEEPING_EVERY_MS, runHousekeeping } from '../../src/jobs/housekeeping'
import { importRow, planImport } from '../../src/subscribers/csv'
import { subscriptionMailsIdle } from '../../src/site/subscribeMail'
import { CONFIRM_TTL_SECONDS, consentVersion } from '../../src/subscribers/service'
import { PASSWORD } from '../support/fixtures'
import { rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'
import { Client, inputValue, linksIn, mailsTo, pathOf, setUpStreet, startWorld, stopWorld, subscribeAs, textOf, waitForMails, type World } from './support'

/**
 * The do-not-mail memory (issue 11.5): an address that unsubscribed, or whose
 * mail bounced, stays so until its owner confirms a new request from the
 * mailbox. A subscribe request (anyone can type any address) changes nothing
 * in force, records no consent, mails a bouncing address at most once in 30
 * days, and neither the housekeeping nor a later import undoes the record.
 * Over HTTP against the Express app, mails caught by a real SMTP server.
 */
let payload: Payload
let w: World
let ip = 1
const client = () => new Client(w.site.base, `203.0.113.${ip++}`)
const DAY = 86_400_000
const gridOf = (s: SubscriberDoc) => String(typeof s.grid === 'object' ? s.grid.id : s.grid)

const find = async (email: string) =>
  (await payload.find({ collection: 'subscribers', where: { email: { equals: email } }, overrideAccess: true, depth: 0 })).docs[0] as unknown as SubscriberDoc | undefined

/** A do-not-mail record as an earlier delivery or unsubscribe left it. */
async function departed(email: string, status: 'unsubscribed' | 'suppressed') {
  const at = new Date(Date.now() - 60 * DAY).toISOString()
  return (await payload.create({
    collection: 'subscribers',
    data: {
      email,
      grid: w.street.gridA1.id,
      channels: ['email'],
      topics: ['issues'],
      status,
      source: 'import',
      confirmedAt: at,
      ...(status === 'unsubscribed' ? { unsubscribedAt: at } : { suppressedReason: '邮件被收件服务器永久拒收(550)' }),
      consents: [
        { purpose: 'content', granted: true, at, textVersion: consentVersion('content'), method: 'import', evidence: '2026-10 纸质登记表' },
        ...(status === 'unsubscribed' ? [{ purpose: 'content', granted: false, at, textVersion: consentVersion('content'), method: 'link' }] : []),
      ],
    } as never,
    overrideAccess: true,
  })) as unknown as SubscriberDoc
}

const confirmLinkOf = (email: string) => linksIn(mailsTo(w.smtp, email).at(-1)!).find((l) => l.includes('/subscribe/confirm?t='))!

/** The hourly housekeeping as it runs `days` from now (each call its own hour). */
let hourShift = 10
const housekeepingIn = (days: number) => runHousekeeping(payload, new Date(Date.now() + days * DAY + hourShift++ * HOUSEKEEPING_EVERY_MS))

beforeAll(async () => {
  payload = await testPayload()
  const street = await setUpStreet(payload)
  // Room for several requests per address in one test: the per-address limit is not what is tested here.
  w = await startWorld(payload, street, { RATE_SUBSCRIBE_ADDRESS: '50/3600' })
})
afterAll(async () => {
  if (w) await stopWorld(w)
})

describe('an unsubscribed address', () => {
  it('stays unsubscribed through a request nobody confirms, the housekeeping and a later import', async () => {
    const before = await departed('left@example.org', 'unsubscribed')
    w.smtp.reset()
    const r = await subscribeAs(client(), { email: 'left@example.org', grid: 'B-01', topics: ['events'], statistics: 'yes' })
    expect(r.status).toBe(200)
    const after = (await find('left@example.org'))!
    expect(after.status).toBe('unsubscribed')
    expect(after.unsubscribedAt).toBe(before.unsubscribedAt)
    // The request waits; nothing of it is in force and no consent is recorded for it.
    expect(after.consents).toEqual(before.consents)
    expect(gridOf(after)).toBe(gridOf(before))
    expect(after.topics).toEqual(['issues'])
    expect(after.pendingRequest).toMatchObject({ grid: w.street.gridB1.id, topics: ['events'], statistics: true })
    // Its owner is asked to confirm, with what they asked for.
    await waitForMails(w.smtp, 1)
    expect(mailsTo(w.smtp, 'left@example.org')).toHaveLength(1)
    expect(mailsTo(w.smtp, 'left@example.org')[0].parsed!.text).toContain('B-01')
    const confirmUrl = confirmLinkOf('left@example.org')

    // The confirmation period passes: the record stays, only the request goes.
    const run = await housekeepingIn(CONFIRM_TTL_SECONDS / 86400 + 1)
    expect(run).toMatchObject({ pendingDeleted: 0, requestsExpired: 1 })
    const kept = (await find('left@example.org'))!
    expect(kept).toMatchObject({ id: before.id, status: 'unsubscribed', unsubscribedAt: before.unsubscribedAt })
    expect(kept.pendingRequest ?? null).toBeNull()
    expect(kept.consents).toEqual(before.consents)
    // Its link no longer confirms anything.
    const stale = await client().get(pathOf(confirmUrl))
    expect(stale.status).toBe(409)
    expect(textOf(stale.html)).toContain('这个邮箱已经退订')

    // A later import of a list that still has the address: skipped, the record untouched.
    const csv = Buffer.from('email,grid,consent_at,consent_evidence\r\nleft@example.org,A-01,2026-11-01,旧名单\r\nnew.one@example.org,A-01,2026-11-01,旧名单\r\n')
    const plan = await planImport(payload, csv, 'utf-8')
    expect(plan.problems).toEqual([])
    expect(plan.rows.map((x) => x.email)).toEqual(['new.one@example.org'])
    expect(plan.skipped.map((x) => x.email)).toEqual(['left@example.org'])
    for (const row of plan.rows) await importRow(payload, row)
    expect((await find('left@example.org'))!.status).toBe('unsubscribed')
  })

  it('is subscribed again when its owner confirms from the mailbox: the request’s choices and consents come in force then', async () => {
    const before = await departed('back@example.org', 'unsubscribed')
    w.smtp.reset()
    const c = client()
    await subscribeAs(c, { email: 'back@example.org', grid: 'B-01', topics: ['events', 'policies'], statistics: 'yes' })
    await waitForMails(w.smtp, 1)
    const opened = await c.get(pathOf(confirmLinkOf('back@example.org')))
    expect(opened.status).toBe(200)
    // The page shows what the confirmation will put in force: the request, not the old record.
    expect(textOf(opened.html)).toContain('B-01')
    expect(textOf(opened.html)).toContain('活动通知')
    expect((await find('back@example.org'))!.status).toBe('unsubscribed')
    const done = await c.post('/subscribe/confirm', { t: inputValue(opened.html, 't')!, csrf: inputValue(opened.html, 'csrf')! })
    expect(done.status).toBe(303)
    const active = (await find('back@example.org'))!
    expect(active).toMatchObject({ status: 'active', topics: ['events', 'policies'], channels: ['email'] })
    expect(String(active.grid)).toBe(String(w.street.gridB1.id))
    expect(active.unsubscribedAt ?? null).toBeNull()
    expect(active.pendingRequest ?? null).toBeNull()
    // Exactly two consents more, for what the resident did: agreeing again, and the statistics choice.
    expect(active.consents!.slice(0, before.consents!.length)).toEqual(before.consents)
    expect(active.consents!.slice(before.consents!.length).map((x) => [x.purpose, x.granted, x.method, x.at])).toEqual([
      ['content', true, 'web', active.confirmedAt],
      ['statistics', true, 'web', active.confirmedAt],
    ])
  })
})

describe('a suppressed (bouncing) address', () => {
  it('gets at most one confirmation mail in 30 days, and stays suppressed until its owner confirms', async () => {
    const before = await departed('bounce@example.org', 'suppressed')
    w.smtp.reset()
    await subscribeAs(client(), { email: 'bounce@example.org' })
    await waitForMails(w.smtp, 1)
    expect((await find('bounce@example.org'))!.status).toBe('suppressed')
    const firstLink = confirmLinkOf('bounce@example.org')

    // Twice more within the month: the page is the same, no mail goes out, the record does not change.
    for (let i = 0; i < 2; i++) {
      const again = await subscribeAs(client(), { email: 'bounce@example.org', grid: 'B-01' })
      expect(again.status).toBe(200)
      expect(textOf(again.html)).toContain('请查收确认邮件')
    }
    await subscriptionMailsIdle()
    expect(mailsTo(w.smtp, 'bounce@example.org')).toHaveLength(1)
    const quiet = (await find('bounce@example.org'))!
    expect(quiet).toMatchObject({ status: 'suppressed', suppressedReason: before.suppressedReason })
    expect(quiet.consents).toEqual(before.consents)
    expect(String(quiet.pendingRequest!.grid)).toBe(String(w.street.gridA1.id))

    // A month later a request mails again.
    await payload.db.updateOne({ collection: 'subscribers', id: before.id, data: { confirmMailAt: new Date(Date.now() - 31 * DAY).toISOString() }, req: { transactionID: undefined } as never })
    await subscribeAs(client(), { email: 'bounce@example.org', topics: ['announcements'] })
    await waitForMails(w.smtp, 2)
    expect(mailsTo(w.smtp, 'bounce@example.org')).toHaveLength(2)
    // The earlier link still answers the same request (its nonce), now with the latest choices.
    const c = client()
    const opened = await c.get(pathOf(firstLink))
    expect(opened.status).toBe(200)
    await c.post('/subscribe/confirm', { t: inputValue(opened.html, 't')!, csrf: inputValue(opened.html, 'csrf')! })
    const active = (await find('bounce@example.org'))!
    expect(active).toMatchObject({ status: 'active', topics: ['announcements'] })
    expect(active.suppressedReason ?? null).toBeNull()
  })

  it('is never deleted by the housekeeping, nor made pending', async () => {
    await departed('bounce2@example.org', 'suppressed')
    await subscribeAs(client(), { email: 'bounce2@example.org' })
    await subscriptionMailsIdle()
    await housekeepingIn(CONFIRM_TTL_SECONDS / 86400 + 2)
    const kept = (await find('bounce2@example.org'))!
    expect(kept.status).toBe('suppressed')
    expect(kept.pendingRequest ?? null).toBeNull()
  })
})

describe('records an earlier version left pending', () => {
  it('are put back to unsubscribed or suppressed after the period, never deleted', async () => {
    const old = new Date(Date.now() - 9 * DAY).toISOString()
    const legacy = (email: string, extra: Record<string, unknown>) =>
      payload.create({
        collection: 'subscribers',
        data: { email, grid: w.street.gridA1.id, channels: ['email'], topics: ['issues'], status: 'pending', source: 'web', lastRequestAt: old, confirmNonce: 'legacy-nonce', consents: [], ...extra } as never,
        overrideAccess: true,
      })
    await legacy('legacy-left@example.org', { unsubscribedAt: old })
    await legacy('legacy-bounced@example.org', { suppressedReason: '邮件被收件服务器永久拒收(550)' })
    await legacy('never-confirmed@example.org', {})
    const run = await housekeepingIn(0)
    expect(run).toMatchObject({ restored: 2 })
    expect((await find('legacy-left@example.org'))!.status).toBe('unsubscribed')
    expect((await find('legacy-bounced@example.org'))!.status).toBe('suppressed')
    expect(await find('never-confirmed@example.org')).toBeUndefined()
  })
})

describe('staff and do-not-mail records', () => {
  it('an admin may lift a suppression (audited, without the address); nobody else; an unsubscribed address stays the owner’s to change', async () => {
    const s = await departed('lift@example.org', 'suppressed')
    const admin = await tokenFor(payload, w.street.admin.email, PASSWORD)
    const editor = await tokenFor(payload, w.street.editor.email, PASSWORD)
    expect((await rest('PATCH', `subscribers/${s.id}`, { token: editor, body: { status: 'active' } })).status).toBe(403)
    const lifted = await rest('PATCH', `subscribers/${s.id}`, { token: admin, body: { status: 'active' } })
    expect(lifted.status).toBe(200)
    expect(lifted.body.doc).toMatchObject({ status: 'active' })
    expect(lifted.body.doc.suppressedReason ?? null).toBeNull()
    const { docs } = await payload.find({ collection: 'audit-log', where: { and: [{ action: { equals: 'unsuppress' } }, { targetId: { equals: String(s.id) } }] }, overrideAccess: true, depth: 0 })
    expect(docs).toHaveLength(1)
    expect(docs[0]).toMatchObject({ targetCollection: 'subscribers', actorName: expect.any(String), detail: '原停发原因:邮件被收件服务器永久拒收(550)'.replace(':', '：') })
    expect(String((docs[0] as { actor?: unknown }).actor)).toBe(String(w.street.admin.id))
    expect(JSON.stringify(docs[0])).not.toContain('lift@example.org')

    const u = await departed('stays@example.org', 'unsubscribed')
    const refused = await rest('PATCH', `subscribers/${u.id}`, { token: admin, body: { status: 'active' } })
    expect(refused.status).toBe(400)
    expect(refused.body.errors[0].data.errors[0]).toMatchObject({ path: 'status', message: '已退订的地址只能由本人通过确认邮件重新订阅，不能由管理员改为其他状态。' })
    expect((await find('stays@example.org'))!.status).toBe('unsubscribed')
  })
})
