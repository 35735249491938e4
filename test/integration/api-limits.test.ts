import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'

import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { API_MAX_LIMIT } from '../../src/hooks/apiQuery'
import { doc, p } from '../../src/seed/lexical'
import { ensureBuild } from '../../src/server/build'
import { type ServerProcess, startServerProcess } from '../support/server-process'

/**
 * The API's limits through the real HTTP stack (`npm start`: Express, Next,
 * Payload) on this leg's database: request bodies capped (413, Chinese
 * message, nothing done), page sizes capped for every caller, malformed ids
 * and missing files answered 404/400 instead of 500. With the defaults, as
 * documented in docs/configuration.md: API_BODY_LIMIT 2 MB, UPLOAD_LIMIT
 * 20 MB, at most 100 documents a page.
 */
const mongoLeg = process.env.TEST_DB === 'mongo'
const MB = 1024 * 1024
const ADMIN = mongoLeg ? { email: 'limits-admin@street.test', password: 'limits-admin-password-1' } : { email: 'admin@demo.street', password: 'demo-admin-2026' }

let server: ServerProcess
let token = ''

const auth = () => ({ Authorization: `JWT ${token}` })
async function api(method: string, p: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.base}/api/${p}`, {
    method,
    headers: { ...auth(), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await res.text()
  let json: any = null
  try {
    json = JSON.parse(text)
  } catch {
    // not JSON
  }
  return { status: res.status, json, text }
}
const gql = (query: string) => api('POST', 'graphql', { query })
const count = async (collection: string) => (await api('GET', `${collection}?limit=1&depth=0`)).json.totalDocs as number

/** A body sent in chunks (Transfer-Encoding: chunked, no length) of `size` bytes; stops sending once an answer comes. */
function chunked(p: string, size: number, contentType: string, makeBody: (size: number) => Buffer): Promise<{ status: number; json: any }> {
  const body = makeBody(size)
  const url = new URL(`/api/${p}`, server.base)
  return new Promise((resolve, reject) => {
    let answered = false
    const req = http.request(url, { method: 'POST', headers: { ...auth(), 'Content-Type': contentType, 'Transfer-Encoding': 'chunked' } }, (res) => {
      answered = true
      const parts: Buffer[] = []
      res.on('data', (c: Buffer) => parts.push(c))
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8')
        resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null })
      })
    })
    req.on('error', (err) => (answered ? undefined : reject(err)))
    const CHUNK = 64 * 1024
    let offset = 0
    const pump = () => {
      while (!answered && offset < body.length) {
        const piece = body.subarray(offset, offset + CHUNK)
        offset += piece.length
        if (!req.write(piece)) return void req.once('drain', pump)
      }
      if (!answered) req.end()
    }
    pump()
  })
}

/** JSON for a community whose name pads it to about `size` bytes. */
const communityJson = (code: string) => (size: number) => Buffer.from(JSON.stringify({ code, name: `大${'x'.repeat(Math.max(0, size - 60))}` }))

async function jpeg(minBytes: number): Promise<Buffer> {
  // Noise does not compress: random pixels at full quality take about 1.4 bytes each.
  const side = Math.ceil(Math.sqrt(minBytes / 1.2))
  const raw = randomBytes(side * side * 3)
  const img = await sharp(raw, { raw: { width: side, height: side, channels: 3 } }).jpeg({ quality: 100 }).toBuffer()
  if (img.length < minBytes) throw new Error(`test image too small: ${img.length}`)
  return img
}

function uploadForm(image: Buffer, name: string) {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(image)], { type: 'image/jpeg' }), name)
  form.append('_payload', JSON.stringify({ alt: name }))
  return form
}

beforeAll(async () => {
  await ensureBuild()
  const dataDir = path.join(process.env.DATA_DIR!, 'limits')
  fs.mkdirSync(dataDir, { recursive: true })
  server = await startServerProcess({
    env: {
      DATA_DIR: dataDir,
      MEDIA_DIR: path.join(dataDir, 'media'),
      DATABASE_URI: mongoLeg ? process.env.DATABASE_URI! : '',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      SEED_DEMO: '',
    },
  })
  const res = await fetch(`${server.base}/api/users/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(ADMIN) })
  expect(res.status).toBe(200)
  token = ((await res.json()) as { token: string }).token
}, 900_000)

afterAll(async () => {
  await server?.stop()
})

describe(`API limits through the HTTP stack (${mongoLeg ? 'MongoDB' : 'SQLite'})`, () => {
  it('refuses a JSON body over 2 MB with 413 and a Chinese message, saving nothing; one under it goes through', async () => {
    const before = await count('communities')
    const big = await api('POST', 'communities', communityJson('BIG-1')(2 * MB + 1024).toString())
    expect(big.status).toBe(413)
    expect(big.json.errors[0].message).toContain('请求内容过大')
    expect(big.json.errors[0].message).toContain('2 MB')
    const withinLimit = await api('POST', 'communities', { code: 'OK-1', name: '正常大小' })
    expect(withinLimit.status).toBe(201)
    expect(await count('communities')).toBe(before + 1)
  })

  it('refuses a chunked body over 2 MB, and hands a chunked body under it on to Payload intact', async () => {
    const before = await count('communities')
    const big = await chunked('communities', 3 * MB, 'application/json', communityJson('BIG-2'))
    expect(big.status).toBe(413)
    expect(big.json.errors[0].message).toContain('请求内容过大')
    expect(await count('communities')).toBe(before)
    // A draft issue whose article holds 300 KB of text, sent in 64 KB chunks: it comes back byte for byte.
    const text = Array.from({ length: 300 * 1024 / 32 }, (_, i) => `第${String(i).padStart(6, '0')}段：街道资讯分块上传。`).join('')
    const issue = (size: number) => {
      void size
      return Buffer.from(JSON.stringify({ title: '分块发送的草稿', _status: 'draft', articles: [{ title: '长文', body: doc(p(text)) }] }))
    }
    const small = await chunked('issues?draft=true', 0, 'application/json', issue)
    expect(small.status, JSON.stringify(small.json).slice(0, 300)).toBe(201)
    const saved = await api('GET', `issues/${small.json.doc.id}?draft=true&depth=0`)
    expect(saved.json.articles[0].body.root.children[0].children[0].text).toBe(text)
  })

  it('refuses a GraphQL body over 2 MB', async () => {
    const query = `mutation { createCommunity(data: { code: "BIG-3", name: "${'x'.repeat(2 * MB)}" }) { id } }`
    const res = await gql(query)
    expect(res.status).toBe(413)
    expect(res.json.errors[0].message).toContain('请求内容过大')
  })

  it('takes an image over 2 MB as an upload, and refuses an upload over 20 MB with its own message', async () => {
    const three = await jpeg(3 * MB)
    const ok = await fetch(`${server.base}/api/media`, { method: 'POST', headers: auth(), body: uploadForm(three, 'three-mb.jpg') })
    expect(ok.status, await ok.clone().text()).toBe(201)
    const filename = ((await ok.json()) as { doc: { filename: string } }).doc.filename
    const file = await fetch(`${server.base}/api/media/file/${encodeURIComponent(filename)}`)
    expect(file.status).toBe(200)
    expect((await file.arrayBuffer()).byteLength).toBe(three.length)

    const before = await count('media')
    const huge = await jpeg(21 * MB)
    const refused = await fetch(`${server.base}/api/media`, { method: 'POST', headers: auth(), body: uploadForm(huge, 'huge.jpg') })
    expect(refused.status).toBe(413)
    const message = ((await refused.json()) as { errors: { message: string }[] }).errors[0].message
    expect(message).toContain('上传的文件过大')
    expect(message).toContain('20 MB')
    expect(await count('media')).toBe(before)
  }, 120_000)

  it(`caps every page at ${API_MAX_LIMIT} documents: a larger limit, limit=0 and pagination=false alike, in REST and GraphQL`, async () => {
    expect(API_MAX_LIMIT).toBe(100)
    const existing = await count('communities')
    for (let i = existing; i < API_MAX_LIMIT + 5; i++) expect((await api('POST', 'communities', { code: `PAGE-${i}`, name: `分页 ${i}` })).status).toBe(201)
    const total = await count('communities')
    expect(total).toBeGreaterThan(API_MAX_LIMIT)
    for (const q of ['limit=0', 'limit=100000', 'pagination=false', 'limit=-1']) {
      const r = await api('GET', `communities?${q}&depth=0`)
      expect(r.status, q).toBe(200)
      expect(r.json.docs.length, q).toBe(API_MAX_LIMIT)
      expect(r.json.limit, q).toBe(API_MAX_LIMIT)
      expect(r.json.totalDocs, q).toBe(total)
      expect(r.json.hasNextPage, q).toBe(true)
    }
    // Payload's POST form of a GET (its admin's relationship fields use it) is capped the same way.
    const override = await fetch(`${server.base}/api/communities`, {
      method: 'POST',
      headers: { ...auth(), 'Content-Type': 'application/x-www-form-urlencoded', 'X-Payload-HTTP-Method-Override': 'GET' },
      body: 'limit=0&depth=0',
    })
    expect(override.status).toBe(200)
    expect(((await override.json()) as { docs: unknown[] }).docs.length).toBe(API_MAX_LIMIT)
    for (const args of ['limit: 0', 'limit: 100000', 'pagination: false']) {
      const r = await gql(`{ Communities(${args}) { docs { id } limit totalDocs } }`)
      expect(r.status, args).toBe(200)
      expect(r.json.data.Communities.docs.length, args).toBe(API_MAX_LIMIT)
      expect(r.json.data.Communities.limit, args).toBe(API_MAX_LIMIT)
    }
    // Anonymous readers are capped too (media is public).
    const anon = await fetch(`${server.base}/api/communities?limit=0`)
    expect(anon.status).toBe(403)
    const media = await fetch(`${server.base}/api/media?limit=0&depth=0`)
    expect(media.status).toBe(200)
    expect(((await media.json()) as { limit: number }).limit).toBe(API_MAX_LIMIT)
  }, 120_000)

  it('answers a malformed id with 404 and a malformed id in a filter with 400 naming the field, never 500', async () => {
    const other = mongoLeg ? '123' : '507f1f77bcf86cd799439011'
    for (const p of ['issues/abc', `issues/${other}`, 'grids/1.5', 'users/abc', 'communities/12abc']) {
      const r = await api('GET', `${p}?depth=0`)
      expect(r.status, p).toBe(404)
      expect(r.json.errors[0].message, p).toBe('未找到')
    }
    for (const method of ['PATCH', 'DELETE']) {
      const r = await api(method, 'grids/abc', method === 'PATCH' ? { name: '改名' } : undefined)
      expect(r.status, method).toBe(404)
    }
    for (const q of ['where[id][equals]=abc', 'where[community][equals]=abc', 'where[id][in]=abc,1', 'where[community][not_in][0]=abc']) {
      const r = await api('GET', `grids?${q}&depth=0`)
      expect(r.status, q).toBe(400)
      const field = q.match(/where\[(\w+)\]/)![1]
      expect(r.json.errors[0].data.errors[0]).toEqual({ path: field, message: '编号格式不正确：abc' })
    }
    const count400 = await api('GET', 'grids/count?where[community][equals]=abc')
    expect(count400.status).toBe(400)
    const g = await gql('{ Grids(where: { community: { equals: "abc" } }) { docs { id } } }')
    expect(g.status).not.toBe(500)
    expect(g.json.errors[0].extensions.statusCode).toBe(400)
    expect(g.json.errors[0].extensions.data.errors[0].path).toBe('community')
    // A well-formed id that names nothing is still a plain 404.
    const missing = await api('GET', `issues/${mongoLeg ? '507f1f77bcf86cd799439011' : '999999'}`)
    expect(missing.status).toBe(404)
  })

  it('answers a media file that does not exist with 404, and a path outside the folder with 4xx', async () => {
    const res = await fetch(`${server.base}/api/media/file/no-such-image.jpg`)
    expect(res.status).toBe(404)
    expect(((await res.json()) as { errors: { message: string }[] }).errors[0].message).toBe('找不到这个文件。')
    const outside = await fetch(`${server.base}/api/media/file/..%2F..%2Fstreet-news.db`)
    expect(outside.status).toBeGreaterThanOrEqual(400)
    expect(outside.status).toBeLessThan(500)
  })
})
