import http from 'node:http'
import type { AddressInfo } from 'node:net'

import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createApp, listen } from '../../src/server/app'
import config from '../../src/payload.config'
import { body, PASSWORD, smallStreet } from '../support/fixtures'
import { tokenFor } from '../support/http'
import { rawAnswer, type RawAnswer, rawRequest } from '../support/rawHttp'
import { nextStandIn } from '../support/next-stand-in'
import { testPayload } from '../support/payload'

/**
 * A request body that says it is JSON and is not: every API route answers 400
 * with a message from the catalogue (Chinese; English for an admin in English)
 * in Payload's error shape, and nothing is written. Payload's GraphQL route
 * answered 500 with an empty body, its REST routes 400 "Invalid JSON" in
 * English. The check sits in Express in front of Next (src/server/bodyLimit.ts);
 * Next is stood in for by Payload's own route handlers, which read the body
 * after it, so a valid body must reach them intact.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let server: http.Server
let base: string
let token = ''
const reachedNext: string[] = []

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  token = await tokenFor(payload, street.admin.email, PASSWORD)
  const standIn = nextStandIn(config, (req) => reachedNext.push(`${req.method} ${req.path}`))
  server = await listen(payload, createApp(payload, (req, res) => void standIn(req, res)), 0, '127.0.0.1')
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server?.closeAllConnections()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
})

type Answer = RawAnswer
const answer = async (res: Response): Promise<Answer> => rawAnswer(res.status, await res.text())

const send = async (method: string, path: string, data: string, headers: Record<string, string> = {}) =>
  answer(await fetch(`${base}/api/${path}`, { method, headers: { Authorization: `JWT ${token}`, 'Content-Type': 'application/json', ...headers }, body: data }))

/** The same body in 16 KB chunks (Transfer-Encoding: chunked, no length). */
const sendChunked = (path: string, body: Buffer): Promise<Answer> =>
  rawRequest(new URL(`/api/${path}`, base), { headers: { Authorization: `JWT ${token}`, 'Content-Type': 'application/json' }, body, chunked: true })

const count = async (collection: 'communities' | 'issues') => (await payload.count({ collection, overrideAccess: true })).totalDocs

const refusedInChinese = (r: Answer) => {
  expect(r.status, r.text).toBe(400)
  expect(r.json).toEqual({ errors: [{ message: '请求内容不是有效的 JSON，未作处理。请检查格式后重试。' }] })
}

describe('a malformed JSON body', () => {
  it('REST: 400 in Chinese, in Payload’s error shape, nothing saved, Next never reached', async () => {
    const before = await count('communities')
    reachedNext.length = 0
    for (const bad of ['{"code": "J-1", "name": "坏', '{code: 1}', '   ', '{"code":"J-2"}}']) {
      refusedInChinese(await send('POST', 'communities', bad))
    }
    refusedInChinese(await send('PATCH', `communities/${street.commA.id}`, '{"name": '))
    expect(reachedNext).toEqual([])
    expect(await count('communities')).toBe(before)
    expect((await payload.findByID({ collection: 'communities', id: street.commA.id, overrideAccess: true })).name).toBe('甲社区')
  })

  it('GraphQL: 400 in Chinese instead of a 500 with an empty body, also to an anonymous caller', async () => {
    refusedInChinese(await send('POST', 'graphql', '{"query": "mutation { createCommunity(data: {code: \\"J-3\\"'))
    const anonymous = await answer(await fetch(`${base}/api/graphql`, { method: 'POST', headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: '{"query":' }))
    refusedInChinese(anonymous)
  })

  it('sent in chunks: refused the same way', async () => {
    const before = await count('communities')
    refusedInChinese(await sendChunked('communities', Buffer.from(`{"code":"J-4","name":"${'长'.repeat(50_000)}"`)))
    refusedInChinese(await sendChunked('graphql', Buffer.from('{"query": "{ Communities { totalDocs } }"')))
    expect(await count('communities')).toBe(before)
  })

  it('in English for an admin who chose English', async () => {
    const r = await send('POST', 'communities', '{', { Cookie: 'payload-lng=en' })
    expect(r.status).toBe(400)
    expect(r.json).toEqual({ errors: [{ message: 'The request body is not valid JSON; nothing was done. Check it and try again.' }] })
  })
})

describe('a valid JSON body', () => {
  it('reaches Payload intact, with a length or in chunks, large or empty', async () => {
    const text = Array.from({ length: 20_000 }, (_, i) => `第${String(i).padStart(6, '0')}段：街道资讯。`).join('')
    const issue = (title: string) => JSON.stringify({ title, _status: 'draft', articles: [{ title: '长文', body: body(text) }] })
    const before = await count('issues')
    const withLength = await send('POST', 'issues?draft=true', issue('整段发送的草稿'))
    expect(withLength.status, withLength.text.slice(0, 300)).toBe(201)
    const inChunks = await sendChunked('issues?draft=true', Buffer.from(issue('分块发送的草稿')))
    expect(inChunks.status, inChunks.text.slice(0, 300)).toBe(201)
    expect(await count('issues')).toBe(before + 2)
    for (const saved of [withLength, inChunks]) {
      const doc = (await payload.findByID({ collection: 'issues', id: saved.json.doc.id, draft: true, overrideAccess: true })) as any
      expect(doc.articles[0].body.root.children[0].children[0].text).toBe(text)
    }
    const gql = await send('POST', 'graphql', JSON.stringify({ query: '{ Communities { totalDocs } }' }))
    expect(gql.status).toBe(200)
    expect(gql.json.data.Communities.totalDocs).toBe(await count('communities'))
    // An empty JSON body is Payload's `{}`: the login route answers its own validation error, not ours.
    const empty = await send('POST', 'users/login', '')
    expect(empty.status).not.toBe(500)
    expect(empty.text).not.toContain('JSON')
  })

  it('a body of a type Payload cannot read: 415 in Chinese naming the type, nothing saved, Next never reached', async () => {
    const before = await count('communities')
    reachedNext.length = 0
    for (const [type, data] of [
      ['text/plain;charset=UTF-8', '{'],
      ['text/plain', JSON.stringify({ name: '文本社区', code: 'TXT' })],
      ['application/xml', '<a/>'],
    ]) {
      const r = await answer(await fetch(`${base}/api/communities`, { method: 'POST', headers: { Authorization: `JWT ${token}`, 'Content-Type': type }, body: data }))
      expect(r.status, r.text).toBe(415)
      expect(r.json.errors[0].message).toBe(`请求内容的类型（${type.split(';')[0]}）不受支持，未作处理。请以 JSON 或表单提交。`)
    }
    expect(reachedNext).toEqual([])
    expect(await count('communities')).toBe(before)
    // A body-less write with any type, and a form, still reach Payload.
    const logout = await answer(await fetch(`${base}/api/users/logout`, { method: 'POST', headers: { Authorization: `JWT ${token}`, 'Content-Type': 'text/plain' } }))
    expect(logout.status).not.toBe(415)
  })
})
