import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { CONTENT_SLUGS } from '../../src/collections/contentCollection'
import { closeDeliveryChannels } from '../../src/delivery/channels'
import { rollupReadership } from '../../src/readership/rollup'
import { type Id, smallStreet } from '../support/fixtures'
import { onMongoLeg, testPayload } from '../support/payload'
import { startSmtpServer, type SmtpTestServer } from '../support/smtp-server'
import { startSite, type Site } from '../site/support'
import { BROWSER, storedEvents } from '../readership/support'
import { addSubscribers, deliveriesOf, drain, richBody } from './support'

/**
 * A content's identity is never reused: after the newest content is
 * deleted, the next one gets an id of its own, so its deliveries are made
 * (not skipped as "already created"), and the deleted one's figures, tokens
 * and email links stay with it. On SQLite ids come from AUTOINCREMENT
 * sequences; on MongoDB from ObjectIds, with no custom ids anywhere.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let smtp: SmtpTestServer
let site: Site

const mailsTitled = (title: string) => smtp.messages.filter((m) => m.parsed?.subject?.includes(title))
/** The site-relative paths of a message's links to this site (the page with its read token, the open pixel, tracked clicks). */
const ourLinks = (html: string) =>
  [...html.matchAll(/(?:href|src)="http:\/\/127\.0\.0\.1:3000(\/[^"]*)"/g)].map(([, path]) => path.replace(/&amp;/g, '&'))
const publishPolicy = async (title: string) =>
  (await payload.create({
    collection: 'policies',
    data: { title, issuingBody: '区民政局', summary: '要点', body: richBody('正文'), _status: 'published' } as never,
    overrideAccess: true,
  })) as unknown as { id: Id }

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  smtp = await startSmtpServer()
  Object.assign(process.env, { SMTP_URL: smtp.url, MAIL_FROM: '聚焦徐碧 <news@street.test>', MIN_GROUP_SIZE: '1' })
  for (const k of ['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY', 'VAPID_SUBJECT', 'WECHAT_APP_ID', 'WECHAT_APP_SECRET']) delete process.env[k]
  await addSubscribers(payload, 3, { grid: street.gridA1.id, prefix: 'a1-' })
  site = await startSite(payload)
})

afterAll(async () => {
  await site?.close()
  await closeDeliveryChannels()
  await smtp?.close()
  await payload?.destroy()
})

describe('content identity', () => {
  it('publish, delete, create and publish: the new content has its own id, is delivered to everyone, and keeps apart from the old', async () => {
    const a = await publishPolicy('将被删除的解读')
    await drain(payload)
    expect(mailsTitled('将被删除的解读')).toHaveLength(3)
    // A resident's email of the deleted content: its page link (with the read token), open pixel and tracked clicks.
    const links = ourLinks(String(mailsTitled('将被删除的解读')[0].parsed!.html))
    const pageLink = links.find((l) => l.startsWith(`/policies/${a.id}?r=`))!
    const pixel = links.find((l) => l.startsWith('/t/o/'))!
    expect([pageLink, pixel].every(Boolean)).toBe(true)
    expect((await site.get(pageLink, { headers: { 'User-Agent': BROWSER } })).status).toBe(200)

    await payload.delete({ collection: 'policies', id: a.id, overrideAccess: true })
    const b = await publishPolicy('删除之后的新解读')
    expect(String(b.id)).not.toBe(String(a.id))
    if (!onMongoLeg()) expect(Number(b.id)).toBeGreaterThan(Number(a.id))

    // Delivered to everyone: its own deliveries, not taken for the deleted content's.
    const ds = await deliveriesOf(payload, 'policies', b.id)
    expect(ds.map((d) => [d.channel, d.status]).sort()).toEqual([
      ['email', 'queued'],
      ['webpush', 'skipped'],
      ['wechat', 'skipped'],
    ])
    await drain(payload)
    expect(mailsTitled('删除之后的新解读')).toHaveLength(3)

    // The deleted content's email never opens the new one, and counts nothing for it.
    const old = await site.get(pageLink, { headers: { 'User-Agent': BROWSER } })
    expect(old.status).toBe(404)
    expect(await old.text()).not.toContain('删除之后的新解读')
    expect((await site.get(pixel, { headers: { 'User-Agent': BROWSER } })).status).toBe(200)
    const events = await storedEvents(payload)
    const about = (id: Id) => events.filter((e) => e.contentType === 'policies' && String(e.contentId) === String(id))
    expect(about(b.id)).toEqual([])
    expect(about(a.id).length).toBeGreaterThan(0)
    // Figures apart: the rollup gives the new content its own recipients and none of the old one's readers.
    await rollupReadership(payload, { now: new Date(Date.now() + 60_000) })
    const { docs } = await payload.find({
      collection: 'read-rollups',
      where: { and: [{ contentType: { equals: 'policies' } }, { contentId: { equals: String(b.id) } }, { channel: { equals: 'all' } }] },
      limit: 0,
      overrideAccess: true,
    })
    const rows = docs as unknown as { readers: number; submitted: number }[]
    expect(rows.reduce((n, r) => n + r.readers, 0)).toBe(0)
    expect(rows.reduce((n, r) => n + r.submitted, 0)).toBe(3)
  })

  it('no collection is given ids of its own making, and deleted ids are not handed out again in other collections either', async () => {
    // Every collection takes the database's ids (SQLite sequences, MongoDB ObjectIds): none declares an id field.
    for (const [slug, c] of Object.entries(payload.collections)) {
      expect(c.customIDType, slug).toBeUndefined()
      expect((c.config.fields as { name?: string }[]).some((f) => f.name === 'id'), slug).toBe(false)
    }
    expect(CONTENT_SLUGS.every((s) => s in payload.collections)).toBe(true)
    const cases: [string, (i: number) => Record<string, unknown>][] = [
      ['communities', (i) => ({ code: `ID${i}`, name: `编号社区${i}` })],
      ['grids', (i) => ({ code: `ID-${i}`, name: `编号网格${i}`, community: street.commA.id, households: 300 })],
      ['subscribers', (i) => ({ email: `id-${i}@mail.test`, grid: street.gridA1.id, channels: ['email'], topics: ['issues'], status: 'active' })],
      ['policies', (i) => ({ title: `编号政策${i}`, issuingBody: '区民政局', summary: '要点', body: richBody('正文') })],
    ]
    for (const [collection, data] of cases) {
      const first = (await payload.create({ collection: collection as never, data: data(1) as never, overrideAccess: true })) as { id: Id }
      const newest = (await payload.create({ collection: collection as never, data: data(2) as never, overrideAccess: true })) as { id: Id }
      await payload.delete({ collection: collection as never, id: newest.id, overrideAccess: true })
      const next = (await payload.create({ collection: collection as never, data: data(3) as never, overrideAccess: true })) as { id: Id }
      expect([String(first.id), String(newest.id)], collection).not.toContain(String(next.id))
      if (!onMongoLeg()) expect(Number(next.id), collection).toBeGreaterThan(Number(newest.id))
    }
  })
})
