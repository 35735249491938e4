import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { SubscriberDoc } from '../../src/collections/Subscribers'
import { messageLinks } from '../../src/delivery/links'
import { readBuffer } from '../../src/readership/buffer'
import { publicUrl } from '../../src/server/env'
import { erase, findByRef, gridById, preferencesToken, savePreferences, subscriberLinks } from '../../src/subscribers/service'
import { paths } from '../../src/templates/paths'
import { addSubscribers, publishIssue } from '../delivery/support'
import { smallStreet } from '../support/fixtures'
import { testPayload } from '../support/payload'
import { startSite, type Site } from '../site/support'
import { BROWSER, cookiesOf } from './support'

let payload: Payload
let site: Site
let street: Awaited<ReturnType<typeof smallStreet>>

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  site = await startSite(payload)
})
afterAll(async () => site?.close())

const historyRows = async (id: string | number) =>
  (await payload.db.count({ collection: 'reading-history', where: { subscriber: { equals: String(id) } } })).totalDocs

async function reader(prefix: string, statistics: boolean): Promise<SubscriberDoc> {
  const [s] = await addSubscribers(payload, 1, { grid: street.gridA1.id, prefix })
  if (statistics)
    await payload.update({
      collection: 'subscribers',
      id: s.id,
      data: { consents: [{ purpose: 'statistics', granted: true, at: new Date().toISOString(), textVersion: '1', method: 'web' }] } as never,
      overrideAccess: true,
    })
  return (await findByRef(payload, s.ref))!
}

async function readThroughMail(s: SubscriberDoc, issue: { id: string | number; number: number }) {
  const url = messageLinks('issues', issue, s).content
  const res = await fetch(`${site.base}${url.slice(publicUrl().length)}`, { headers: { 'user-agent': BROWSER } })
  expect(res.status).toBe(200)
  await readBuffer(payload).flush()
}

const prefsPage = async (s: SubscriberDoc) => (await site.get(paths.preferences(preferencesToken(s.ref)))).text()

describe('personal reading history', () => {
  it('is kept and shown only to a resident who opted in; withdrawing the consent deletes it', async () => {
    const issue = await publishIssue(payload, '第五期：邻里节')
    const yes = await reader('hist-yes-', true)
    const no = await reader('hist-no-', false)
    await readThroughMail(yes, issue)
    await readThroughMail(yes, issue)
    await readThroughMail(no, issue)
    expect(await historyRows(yes.id)).toBe(1)
    expect(await historyRows(no.id)).toBe(0)
    // Both reads were still counted for the grid (the history is extra, not instead).
    expect((await payload.db.count({ collection: 'read-events', where: { contentId: { equals: String(issue.id) } } })).totalDocs).toBe(3)

    const mine = await prefsPage(yes)
    expect(mine).toContain('我的阅读记录')
    expect(mine).toContain(`<a href="/issues/${issue.number}">第五期：邻里节</a>`)
    const theirs = await prefsPage(no)
    expect(theirs).toContain('您没有同意个人阅读统计')
    expect(theirs).not.toContain('第五期：邻里节')

    const grid = (await gridById(payload, street.gridA1.id))!
    await savePreferences(payload, yes, { grid, channels: ['email'], topics: ['issues'], statistics: false })
    expect(await historyRows(yes.id)).toBe(0)
    // A later read with a link sent before the withdrawal keeps no history either.
    await readThroughMail(yes, issue)
    expect(await historyRows(yes.id)).toBe(0)
  })

  it('the preferences page gives the browser the resident’s grid: later plain visits of the site count for it', async () => {
    const issue = await publishIssue(payload, '第七期')
    const s = await reader('grid-cookie-', false)
    const prefs = await site.get(paths.preferences(preferencesToken(s.ref)))
    const jar = cookiesOf(prefs)
    expect(jar).toMatch(/sn_grid=/)
    await readBuffer(payload).flush()
    const before = (await payload.db.count({ collection: 'read-events', where: { contentId: { equals: String(issue.id) } } })).totalDocs
    await site.get(`/issues/${issue.number}`, { headers: { 'user-agent': BROWSER, cookie: jar } })
    await readBuffer(payload).flush()
    const { docs } = await payload.db.find({ collection: 'read-events', where: { contentId: { equals: String(issue.id) } }, limit: 0, pagination: false, sort: 'at' })
    expect(docs).toHaveLength(before + 1)
    expect(docs.at(-1)).toMatchObject({ channel: 'site', grid: String(street.gridA1.id) })
    // Nothing personal: the page view holds no subscriber reference, and no history without the consent.
    expect(await historyRows(s.id)).toBe(0)
  })

  it('goes with the subscriber’s erasure', async () => {
    const issue = await publishIssue(payload, '第六期')
    const s = await reader('hist-erase-', true)
    await readThroughMail(s, issue)
    expect(await historyRows(s.id)).toBe(1)
    await erase(payload, s)
    expect(await historyRows(s.id)).toBe(0)
  })
})

describe('a resident’s ref in links', () => {
  /** Every piece of a link a reader of it could decode: the link, its path and query, and each base64url segment of its tokens. */
  const readable = (url: string): string[] => {
    const out = [url, decodeURIComponent(url)]
    for (const seg of decodeURIComponent(url).split(/[/?&=.]/)) if (seg.length >= 8) out.push(Buffer.from(seg, 'base64url').toString('latin1'), Buffer.from(seg, 'base64url').toString('utf8'))
    return out
  }

  it('never appears in clear, with the statistics consent or without; the links still lead to the resident and keep their history', async () => {
    const issue = await publishIssue(payload, '第八期')
    const yes = await reader('ref-clear-yes-', true)
    const no = await reader('ref-clear-no-', false)
    for (const s of [yes, no]) {
      const m = messageLinks('issues', issue, s)
      const pushLinks = messageLinks('issues', issue, s, publicUrl(), 'webpush')
      const confirm = subscriberLinks({ ref: s.ref, confirmNonce: 'nonce-1' }).confirm!
      const links = [m.content, m.pixel, m.click('https://gov.example.cn/x'), m.preferences, m.unsubscribe, pushLinks.content, confirm]
      for (const link of links) for (const text of readable(link)) expect(text, link).not.toContain(s.ref)
    }
    // Through the real routes: the page read keeps the consenting resident's history, the preferences link opens their page.
    await readThroughMail(yes, issue)
    expect(await historyRows(yes.id)).toBe(1)
    const prefs = await site.get(new URL(messageLinks('issues', issue, yes).preferences).pathname + new URL(messageLinks('issues', issue, yes).preferences).search)
    expect(prefs.status).toBe(200)
    expect(await prefs.text()).toContain(yes.email)
    // A preferences link sent before links were sealed (the ref in clear) still works.
    const { signToken } = await import('../../src/tokens')
    expect((await site.get(paths.preferences(signToken('prefs', yes.ref)))).status).toBe(200)
  })
})

