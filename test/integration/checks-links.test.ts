import http from 'node:http'
import type net from 'node:net'

import type { Payload } from 'payload'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { checkContent } from '../../src/content/checks'
import { doc, link, p } from '../../src/seed/lexical'
import { publicUrl } from '../../src/server/env'
import { body, PASSWORD, smallStreet, type Id } from '../support/fixtures'
import { rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'

/**
 * Dead links (issue 16) on both database legs: an internal link to content
 * that is missing or not published is a warning (提示) naming the field, on
 * every save and in the checks endpoint, and never blocks publishing;
 * external links are checked only when the endpoint is asked (`links: true`),
 * here against a local server reached through LINK_CHECK_TRUSTED_ORIGINS.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let token = ''
let published: { id: Id }
let draft: { id: Id }
let missingId: Id
let site: http.Server
let origin = ''
const seen: string[] = []

type View = { kind: string; severity: string; path: string; where: string; match: string; what: string; kindLabel: string; severityLabel: string }
const asUser = (u: { id: Id }) => ({ ...u, collection: 'users' }) as never
const policy = (title: string, extra: Record<string, unknown> = {}) => ({ title, issuingBody: '区民政局', summary: `${title}的要点。`, body: body('正文。'), ...extra })

beforeAll(async () => {
  site = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`)
    if (req.url === '/ok') return res.end('fine')
    res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', () => resolve()))
  origin = `http://127.0.0.1:${(site.address() as net.AddressInfo).port}`
  process.env.LINK_CHECK_TRUSTED_ORIGINS = origin
  process.env.LINK_CHECK_TIMEOUT_MS = '2000'

  payload = await testPayload()
  street = await smallStreet(payload)
  token = await tokenFor(payload, street.editor.email, PASSWORD)
  published = (await payload.create({ collection: 'policies', data: { ...policy('已发布的政策'), _status: 'published' } as never, overrideAccess: true })) as { id: Id }
  draft = (await payload.create({ collection: 'policies', data: policy('草稿政策') as never, overrideAccess: true })) as { id: Id }
  missingId = payload.db.defaultIDType === 'number' ? 987654 : 'ffffffffffffffffffffffff'
})

afterAll(async () => {
  delete process.env.LINK_CHECK_TRUSTED_ORIGINS
  delete process.env.LINK_CHECK_TIMEOUT_MS
  site.closeAllConnections()
  await new Promise<void>((resolve) => site.close(() => resolve()))
})

beforeEach(() => {
  seen.length = 0
})

const deadLinks = (views: View[]) => views.filter((f) => f.kind === 'dead-link')

describe('internal links', () => {
  it('a link to a published policy is fine; to a draft or a missing id, a warning naming the field; publishing goes on', async () => {
    const data = {
      title: '链接检查的公告',
      grids: [street.gridA1.id],
      summary: `原文：${publicUrl()}/policies/${draft.id}`,
      body: doc(
        p('已发布：', link(`/policies/${published.id}`, '政策甲'), '。'),
        p('草稿：', link(`/policies/${draft.id}`, '政策乙'), '；不存在：', link(`/policies/${missingId}`, '政策丙'), '。'),
        p('网格：', link('/grids/A-01', '甲一网格'), '，', link('/grids/Z-99', '不存在的网格'), '；往期：', link('/issues/4321', '第4321期'), '。'),
      ),
      _status: 'published',
    }
    // Warnings never block: an editor publishes through the Local API with access rules applied.
    const saved = (await payload.create({ collection: 'announcements', data: data as never, overrideAccess: false, user: asUser(street.editor) })) as { id: Id; _status: string }
    expect(saved._status).toBe('published')

    const r = await rest('POST', 'announcements/checks', { token, body: { id: saved.id } })
    expect(r.status).toBe(200)
    const dead = deadLinks(r.body.findings as View[])
    expect(dead.map((f) => [f.where, f.match, f.severity])).toEqual([
      ['摘要', `${publicUrl()}/policies/${draft.id}`, 'warning'],
      ['正文', `/policies/${draft.id}`, 'warning'],
      ['正文', `/policies/${missingId}`, 'warning'],
      ['正文', '/grids/Z-99', 'warning'],
      ['正文', '/issues/4321', 'warning'],
    ])
    expect(dead[0]).toMatchObject({ kindLabel: '死链', severityLabel: '提示' })
    expect(dead[0].what).toContain('尚未发布')
    expect(dead[2].what).toContain('不存在')
    expect(r.body.serious).toBe(0)
    // No external link was checked, and no answer says it was.
    expect(r.body.links).toBeUndefined()
  })

  it('once the draft is published its links are fine; the gate finds the same through checkContent', async () => {
    const other = (await payload.create({ collection: 'policies', data: policy('稍后发布的政策') as never, overrideAccess: true })) as { id: Id }
    const content = { title: '引用', grids: [street.gridA1.id], body: doc(p('见', link(`/policies/${other.id}`, '政策'), '。')) }
    const before = await checkContent(payload, 'announcements', content)
    expect(before.filter((f) => f.kind === 'dead-link').map((f) => [f.path, f.message])).toEqual([['body', 'check.msg.deadLink.draft']])
    await payload.update({ collection: 'policies', id: other.id, data: { _status: 'published' } as never, overrideAccess: true })
    expect((await checkContent(payload, 'announcements', content)).filter((f) => f.kind === 'dead-link')).toEqual([])
  })

  it('a policy that links to itself is as published as the save makes it', async () => {
    const self = (await payload.create({ collection: 'policies', data: policy('自我引用的政策') as never, overrideAccess: true })) as { id: Id }
    const data = { ...policy('自我引用的政策'), id: self.id, body: doc(p('本文：', link(`/policies/${self.id}`, '本政策'), '。')) }
    expect((await checkContent(payload, 'policies', { ...data, _status: 'published' })).filter((f) => f.kind === 'dead-link')).toEqual([])
    expect((await checkContent(payload, 'policies', { ...data, _status: 'draft' })).filter((f) => f.kind === 'dead-link')).toHaveLength(1)
  })
})

describe('external links, only when asked', () => {
  it('the endpoint with links: true checks them and lists the dead one; without it, none is fetched', async () => {
    const data = { title: '外部链接', grids: [street.gridA1.id], body: doc(p(link(`${origin}/ok`, '好的'), '，', link(`${origin}/gone`, '坏的'), '。')) }
    const saved = (await payload.create({ collection: 'announcements', data: { ...data, _status: 'published' } as never, overrideAccess: false, user: asUser(street.editor) })) as {
      id: Id
    }
    // Saving (and the gate on it) fetched nothing; a plain check fetches nothing either.
    const plain = await rest('POST', 'announcements/checks', { token, body: { id: saved.id } })
    expect(deadLinks(plain.body.findings)).toEqual([])
    expect(seen).toEqual([])

    const asked = await rest('POST', 'announcements/checks', { token, body: { id: saved.id, links: true } })
    expect(asked.status).toBe(200)
    expect(asked.body.links).toEqual({ checked: 2, dead: 1 })
    expect(deadLinks(asked.body.findings).map((f) => [f.where, f.match, f.severity])).toEqual([['正文', `${origin}/gone`, 'warning']])
    expect(deadLinks(asked.body.findings)[0].what).toContain('404')
    expect(seen.sort()).toEqual(['HEAD /gone', 'HEAD /ok'])
  })

  it('with the trusted origins empty, the local server is refused without a request', async () => {
    process.env.LINK_CHECK_TRUSTED_ORIGINS = ''
    try {
      const r = await rest('POST', 'announcements/checks', {
        token,
        body: { data: { title: '内网链接', grids: [street.gridA1.id], body: doc(p(link(`${origin}/ok`, '内网'), '。')) }, links: true },
      })
      expect(r.status).toBe(200)
      expect(r.body.links).toEqual({ checked: 1, dead: 1 })
      expect(deadLinks(r.body.findings)[0].what).toContain('内部网络')
      expect(seen).toEqual([])
    } finally {
      process.env.LINK_CHECK_TRUSTED_ORIGINS = origin
    }
  })
})
