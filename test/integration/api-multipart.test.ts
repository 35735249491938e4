import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'

import type { Payload } from 'payload'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createApp, listen } from '../../src/server/app'
import { env } from '../../src/server/env'
import config from '../../src/payload.config'
import { PASSWORD, smallStreet } from '../support/fixtures'
import { tokenFor } from '../support/http'
import { nextStandIn } from '../support/next-stand-in'
import { testPayload } from '../support/payload'
import { makePdf } from '../support/pdf'
import { rawAnswer, type RawAnswer, rawRequest } from '../support/rawHttp'

/**
 * Hostile multipart requests to the upload collections (the image library
 * and policy documents), as Payload's admin sends them (form-data: `file` and
 * a JSON string in `_payload`), through Express in front of Payload's own
 * route handlers (Next stood in for): each gets a 4xx with a Chinese message
 * naming the field, from src/server/bodyLimit.ts and formCheck.ts before
 * Payload reads the body (a caller not signed in, a 403 before the form is
 * read at all); nothing is created, no file is left in the media folder or
 * Payload's temp folder.
 * Payload answered a `_payload` that is not JSON and a broken form with a 500,
 * a `_payload` over its field limit and a file of the wrong type in English,
 * and took a repeated `_payload` or one that is not an object as no data.
 */
let payload: Payload
let server: http.Server
let base: string
let token = ''
let editorEmail = ''
let adminToken = ''
let png: Buffer
let mediaId: string | number
const reachedNext: string[] = []

beforeAll(async () => {
  payload = await testPayload()
  const street = await smallStreet(payload)
  editorEmail = street.editor.email
  token = await tokenFor(payload, editorEmail, PASSWORD)
  adminToken = await tokenFor(payload, street.admin.email, PASSWORD)
  const standIn = nextStandIn(config, (req) => reachedNext.push(`${req.method} ${req.path}`))
  server = await listen(payload, createApp(payload, (req, res) => void standIn(req, res)), 0, '127.0.0.1')
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c33' } }).png().toBuffer()
  const made = await payload.create({ collection: 'media', data: { alt: '原图' }, file: { data: png, name: 'orig.png', mimetype: 'image/png', size: png.length }, overrideAccess: true })
  mediaId = made.id
})

afterAll(async () => {
  server?.closeAllConnections()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
})

type Answer = RawAnswer
type Send = { method?: string; auth?: boolean; type?: string; chunked?: boolean; cookie?: string; as?: string }

/** One request with the body as given, by Content-Length or in 16 KB chunks. */
function send(p: string, body: Buffer, { method = 'POST', auth = true, type = `multipart/form-data; boundary=${B}`, chunked = false, cookie, as = token }: Send = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'Content-Type': type }
  if (auth) headers.Authorization = `JWT ${as}`
  if (cookie) headers.Cookie = cookie
  return rawRequest(new URL(`/api/${p}`, base), { method, headers, body, chunked })
}

const B = '----streetNewsBoundary7MA4YWxk'
type Part = { name: string; value: string | Buffer; filename?: string; type?: string }
/** A multipart body, written out by hand so that it can be wrong. */
function multipart(parts: Part[], end = `--${B}--\r\n`): Buffer {
  const pieces: Buffer[] = []
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`
    pieces.push(Buffer.from(`--${B}\r\nContent-Disposition: ${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`))
    pieces.push(Buffer.isBuffer(p.value) ? p.value : Buffer.from(p.value))
    pieces.push(Buffer.from('\r\n'))
  }
  pieces.push(Buffer.from(end))
  return Buffer.concat(pieces)
}

const MB = 1024 * 1024

/** The start of a 15 MB form, of which nothing more is sent: the answer that comes meanwhile. */
function answerWhileSending(p: string, head: Buffer, as: string | null = token): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const req = http.request(new URL(`/api/${p}`, base), {
      method: 'POST',
      headers: { ...(as === null ? {} : { Authorization: `JWT ${as}` }), 'Content-Type': `multipart/form-data; boundary=${B}`, 'Content-Length': 15 * MB },
    })
    req.on('response', (res) => {
      const parts: Buffer[] = []
      res.on('data', (c: Buffer) => parts.push(c))
      res.on('end', () => {
        req.destroy()
        resolve(rawAnswer(res.statusCode ?? 0, Buffer.concat(parts).toString('utf8')))
      })
    })
    req.on('error', reject)
    req.write(head)
  })
}
const image = (value = png): Part => ({ name: 'file', value, filename: 'photo.png', type: 'image/png' })
const pdf = (): Part => ({ name: 'file', value: Buffer.from('%PDF-1.4\n%%EOF\n'), filename: '通知.pdf', type: 'application/pdf' })
const data = (value: string): Part => ({ name: '_payload', value })
const doc = JSON.stringify({ alt: '街道活动照片', title: '关于加强社区管理的通知', issuingBody: '某街道办事处' })

const counts = async () => ({
  media: (await payload.count({ collection: 'media', overrideAccess: true })).totalDocs,
  documents: (await payload.count({ collection: 'policy-documents', overrideAccess: true })).totalDocs,
})
/** Every file under a folder (the media folder holds the documents' folder). */
const filesUnder = (dir: string): string[] =>
  fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)).sort() : []
const leftFiles = () => [...filesUnder(env.mediaDir), ...filesUnder(path.resolve('tmp'))]

const refused = (r: Answer, status: number, message: string, field?: string) => {
  expect(r.status, r.text.slice(0, 300)).toBe(status)
  expect(r.json, r.text.slice(0, 300)).toEqual({ errors: [field ? { message, field } : { message }] })
}
const msg = {
  notSignedIn: '请先登录后台再上传，未作处理。',
  notJson: '表单字段“_payload”不是有效的 JSON，未作处理。请检查格式后重试。',
  notObject: '表单字段“_payload”应是一个 JSON 对象，未作处理。请检查格式后重试。',
  repeated: (field: string) => `表单字段“${field}”出现了不止一次，未作处理。每个字段只能提交一次。`,
  tooLarge: '表单字段“_payload”过大（超过 2 MB），未作处理。',
  tooMany: '表单的字段或文件过多（最多 20 个字段、3 个文件），未作处理。',
  broken: '上传的表单不完整或格式有误（分隔符缺失或内容被截断），未作处理。请重新提交。',
  noFile: '没有收到上传的文件（表单字段“file”），未作处理。请选择文件后重试。',
  type: (type: string) => `上传的文件类型（${type}）在这里不被接受（表单字段“file”），未作处理。请换一个允许类型的文件。`,
  content: (actual: string, declared: string) => `上传的文件实际是 ${actual}（声明为 ${declared}），在这里不被接受（表单字段“file”），未作处理。请换一个允许类型的文件。`,
  unknown: (declared: string) => `上传的文件声明为 ${declared}，但内容不是可识别的文件格式（例如文本或网页），在这里不被接受（表单字段“file”），未作处理。请换一个允许类型的文件。`,
}

/** What a caller gets: staff the form's own refusal, anyone else a 403 before a byte of the form is read. */
const refusedFor = (auth: boolean, r: Answer, status: number, message: string, field?: string) => (auth ? refused(r, status, message, field) : refused(r, 403, msg.notSignedIn))

/** The hostile forms every upload collection refuses alike, with the answer each gets; `image` is a file the collection takes. */
const hostile = (image: () => Part): [string, Buffer, number, string, string | undefined, Partial<Send>?][] => [
  ['_payload not JSON', multipart([image(), data('{"alt": "坏')]), 400, msg.notJson, '_payload'],
  ['_payload empty', multipart([image(), data('')]), 400, msg.notJson, '_payload'],
  ['_payload an array', multipart([image(), data('[{"alt":"数组"}]')]), 400, msg.notObject, '_payload'],
  ['_payload a string', multipart([image(), data('"街道"')]), 400, msg.notObject, '_payload'],
  ['_payload null', multipart([image(), data('null')]), 400, msg.notObject, '_payload'],
  ['_payload twice', multipart([data(doc), image(), data(doc)]), 400, msg.repeated('_payload'), '_payload'],
  ['_payload over 2 MB', multipart([image(), data(JSON.stringify({ alt: '大'.repeat(800_000) }))]), 413, msg.tooLarge, '_payload'],
  ['no closing boundary', multipart([image(), data(doc)], ''), 400, msg.broken, undefined],
  ['cut off in the file', multipart([image(), data(doc)]).subarray(0, 120), 400, msg.broken, undefined],
  ['another boundary than declared', multipart([image(), data(doc)]), 400, msg.broken, undefined, { type: 'multipart/form-data; boundary=not-the-one' }],
  ['no boundary declared', multipart([image(), data(doc)]), 400, msg.broken, undefined, { type: 'multipart/form-data' }],
  ['cut off, sent in chunks', multipart([image(), data(doc)], `--${B}`), 400, msg.broken, undefined, { chunked: true }],
  ['21 fields', multipart([image(), data(doc), ...Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, value: 'x' }))]), 413, msg.tooMany, undefined],
  ['an empty body', Buffer.alloc(0), 400, msg.broken, undefined],
  ['file twice', multipart([image(), image(), data(doc)]), 400, msg.repeated('file'), 'file'],
  ['file as text', multipart([{ name: 'file', value: '{"filename":"x.png"}' }, data(doc)]), 400, msg.noFile, 'file'],
]

describe('hostile multipart forms to an upload collection', () => {
  for (const collection of ['media', 'policy-documents']) {
    for (const auth of [true, false]) {
      it(`${collection}, ${auth ? 'as an editor: refused with the field named' : 'anonymously: 403 before the form is read'}, nothing created, no file left`, async () => {
        const before = await counts()
        const files = leftFiles()
        reachedNext.length = 0
        for (const [what, body, status, message, field, opts] of hostile(collection === 'media' ? image : pdf)) {
          const r = await send(collection, body, { auth, ...opts })
          expect.soft(r.status, `${what}: ${r.text.slice(0, 200)}`).toBe(auth ? status : 403)
          if (r.status === (auth ? status : 403)) refusedFor(auth, r, status, message, field)
        }
        expect(reachedNext).toEqual([])
        expect(await counts()).toEqual(before)
        expect(leftFiles()).toEqual(files)
      })
    }
  }

  it('a file of a type the collection does not take: 400 naming the type and the field (anonymously 403)', async () => {
    const before = await counts()
    const files = leftFiles()
    for (const auth of [true, false]) {
      refusedFor(auth, await send('media', multipart([pdf(), data(doc)]), { auth }), 400, msg.type('application/pdf'), 'file')
      refusedFor(auth, await send('policy-documents', multipart([image(), data(doc)]), { auth }), 400, msg.type('image/png'), 'file')
      refusedFor(auth, await send(`media/${mediaId}`, multipart([pdf(), data(doc)]), { auth, method: 'PATCH' }), 400, msg.type('application/pdf'), 'file')
    }
    expect(await counts()).toEqual(before)
    expect(leftFiles()).toEqual(files)
  })

  it('a refusal the first parts show is answered at once, while a large upload is still being sent', async () => {
    const before = await counts()
    // The form's first part, then the head of a 15 MB file of which nothing more is sent.
    const start = (first: Part) =>
      answerWhileSending('media', Buffer.concat([multipart([first], ''), Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="more"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`), Buffer.alloc(256 * 1024)]))
    refused(await start({ ...pdf(), value: Buffer.alloc(1024) }), 400, msg.unknown('application/pdf'), 'file')
    refused(await start(data('{"alt": ')), 400, msg.notJson, '_payload')
    expect(await counts()).toEqual(before)
  })

  it('forms that are not uploads stay anyone’s: the admin’s login form, sent as form-data without a session, signs in', async () => {
    const r = await send('users/login', multipart([data(JSON.stringify({ email: editorEmail, password: PASSWORD }))]), { auth: false })
    expect(r.status, r.text.slice(0, 200)).toBe(200)
    expect(r.json.user.email).toBe(editorEmail)
    refused(await send('users/login', multipart([data('{"email": ')]), { auth: false }), 400, msg.notJson, '_payload')
  })

  it('a caller not signed in (no session, a forged one) gets 403 at once, while a large upload is still being sent', async () => {
    const before = await counts()
    const head = Buffer.concat([multipart([data(doc)], ''), Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`), png, Buffer.alloc(256 * 1024)])
    for (const as of [null, `${token.slice(0, -4)}AAAA`]) refused(await answerWhileSending('media', head, as), 403, msg.notSignedIn)
    expect(await counts()).toEqual(before)
  })

  it('a caller not signed in who sends the whole of a large upload gets the 403 with its message, not a reset connection', async () => {
    const before = await counts()
    const whole = multipart([data(doc), image(Buffer.concat([png, Buffer.alloc(12 * MB)]))])
    // Several in a row and at once: an answer that closed with the upload unread lost it to a reset now and then.
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all([0, 1, 2].map(() => send('media', whole, { auth: false })))
      for (const r of answers) refused(r, 403, msg.notSignedIn)
    }
    expect(await counts()).toEqual(before)
  })

  it('no file on create: 400 naming the field where the collection needs one; where it does not, Payload’s own check in Chinese', async () => {
    const before = await counts()
    for (const auth of [true, false]) {
      refusedFor(auth, await send('media', multipart([data(doc)]), { auth }), 400, msg.noFile, 'file')
      // A policy document may have an official address instead of a file: with neither, its own check says so.
      const r = await send('policy-documents', multipart([data(doc)]), { auth })
      expect(r.status).toBe(auth ? 400 : 403)
      expect(r.json.errors[0].message).toBe(auth ? '下面的字段是无效的： officialUrl' : msg.notSignedIn)
      if (auth) expect(r.json.errors[0].data.errors[0]).toEqual({ path: 'officialUrl', message: '请上传文件或填写官方网址（至少一项）。' })
    }
    expect(await counts()).toEqual(before)
  })

  it('an update with a bad _payload changes nothing; one with no file keeps the file', async () => {
    refused(await send(`media/${mediaId}`, multipart([data('{"alt":')]), { method: 'PATCH' }), 400, msg.notJson, '_payload')
    refused(await send(`media/${mediaId}`, multipart([data('["新说明"]')]), { method: 'PATCH' }), 400, msg.notObject, '_payload')
    expect(((await payload.findByID({ collection: 'media', id: mediaId, overrideAccess: true })) as { alt: string }).alt).toBe('原图')
    const ok = await send(`media/${mediaId}`, multipart([data(JSON.stringify({ alt: '新说明' }))]), { method: 'PATCH' })
    expect(ok.status, ok.text.slice(0, 300)).toBe(200)
    const saved = (await payload.findByID({ collection: 'media', id: mediaId, overrideAccess: true })) as { alt: string; filename: string }
    expect(saved).toMatchObject({ alt: '新说明', filename: 'orig.png' })
  })

  it('in English for an admin who chose English', async () => {
    const r = await send('media', multipart([image(), data('{')]), { cookie: 'payload-lng=en' })
    refused(r, 400, 'The form field “_payload” is not valid JSON; nothing was done. Check it and try again.', '_payload')
  })

  it('a bad _payload to a collection without uploads is refused the same way', async () => {
    const before = (await payload.count({ collection: 'communities', overrideAccess: true })).totalDocs
    refused(await send('communities', multipart([data('{"code": "M-1", ')])), 400, msg.notJson, '_payload')
    expect((await payload.count({ collection: 'communities', overrideAccess: true })).totalDocs).toBe(before)
  })
})

describe('good multipart forms', () => {
  it('reach Payload intact: an image of 5 MB by length and in chunks, an OFD of a type the browser does not know', async () => {
    const before = await counts()
    const side = Math.ceil(Math.sqrt((5 * MB) / 1.2))
    const big = await sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } }).jpeg({ quality: 100 }).toBuffer()
    expect(big.length).toBeGreaterThan(5 * MB)
    const photo = (filename: string): Part => ({ name: 'file', value: big, filename, type: 'image/jpeg' })
    const byLength = await send('media', multipart([data(doc), photo('big-length.jpg')]))
    expect(byLength.status, byLength.text.slice(0, 300)).toBe(201)
    const inChunks = await send('media', multipart([photo('big-chunks.jpg'), data(doc)]), { chunked: true })
    expect(inChunks.status, inChunks.text.slice(0, 300)).toBe(201)
    for (const saved of [byLength, inChunks]) {
      expect(saved.json.doc.alt).toBe('街道活动照片')
      expect(fs.readFileSync(path.join(env.mediaDir, saved.json.doc.filename)).equals(big)).toBe(true)
    }
    // Browsers send a file whose type they do not know as application/octet-stream: Payload judges it by its contents.
    const ofd = fs.readFileSync(path.join(process.cwd(), 'test', 'fixtures', 'clean.ofd'))
    const document = await send('policy-documents', multipart([{ name: 'file', value: ofd, filename: '通知.ofd', type: 'application/octet-stream' }, data(doc)]))
    expect(document.status, document.text.slice(0, 300)).toBe(201)
    expect(document.json.doc.mimeType).toBe('application/ofd')
    expect(await counts()).toEqual({ media: before.media + 2, documents: before.documents + 1 })
  }, 60_000)

  it('an import endpoint’s form still reaches its own reader; a broken one is refused the same way', async () => {
    const csv = Buffer.from('email,grid,consent_at,consent_evidence\r\na@example.org,A-01,2026-10-01,表格\r\n')
    const form = multipart([{ name: 'mode', value: 'dry-run' }, { name: 'file', value: csv, filename: 'subscribers.csv', type: 'text/csv' }])
    const dry = await send('subscribers/import', form, { as: adminToken })
    expect(dry.status, dry.text.slice(0, 300)).toBe(200)
    expect(dry.json).toMatchObject({ dryRun: true, total: 1, ready: 1 })
    refused(await send('subscribers/import', form.subarray(0, 150), { as: adminToken }), 400, msg.broken)
  })

  it('a read sent as a POST form (Payload’s method override) is not taken for a create', async () => {
    // The same form without the override is a create without a file.
    refused(await send('media', multipart([{ name: 'limit', value: '1' }])), 400, msg.noFile, 'file')
    const override = await rawRequest(new URL('/api/media', base), {
      headers: { 'Content-Type': `multipart/form-data; boundary=${B}`, 'X-Payload-HTTP-Method-Override': 'GET' },
      body: multipart([{ name: 'limit', value: '1' }]),
    })
    expect(override.status, override.text.slice(0, 200)).toBe(200)
    expect(override.json.totalDocs).toBe((await counts()).media)
  })

  it('an upload is known as Payload knows it: an override not exactly GET is a write, an encoded name is the collection, a read is held to the API’s cap', async () => {
    const before = await counts()
    const form = multipart([image(), data(doc)])
    const anonymous = (p: string, headers: Record<string, string> = {}, body = form) =>
      rawRequest(new URL(`/api/${p}`, base), { headers: { 'Content-Type': `multipart/form-data; boundary=${B}`, ...headers }, body })
    // Payload takes only `GET`, under either header name, as a read; `get` is a create, and refused before it is held.
    refused(await anonymous('media', { 'X-Payload-HTTP-Method-Override': 'get' }), 403, msg.notSignedIn)
    refused(await anonymous('m%65dia'), 403, msg.notSignedIn)
    refused(await rawRequest(new URL(`/%61pi/media`, base), { headers: { 'Content-Type': `multipart/form-data; boundary=${B}` }, body: form }), 403, msg.notSignedIn)
    refused(await send('m%65dia', multipart([pdf(), data(doc)])), 400, msg.type('application/pdf'), 'file')
    // A read's form is a query: anyone's, but no upload, so over API_BODY_LIMIT (2 MB) it is refused.
    const big = multipart([{ name: 'limit', value: '1' }, { ...image(), value: Buffer.alloc(3 * MB) }])
    for (const header of ['X-Payload-HTTP-Method-Override', 'X-HTTP-Method-Override']) {
      refused(await anonymous('media', { [header]: 'GET' }, big), 413, '请求内容过大（超过 2 MB），未作处理。请减少内容后重试。')
    }
    expect(await counts()).toEqual(before)
  })
})

describe('a file whose contents are not what it declares', () => {
  const as = (value: Buffer, filename: string, type: string): Part => ({ name: 'file', value, filename, type })
  const notice = makePdf(['Winter heating notice'])
  // The head of a Windows executable; a web page with a script, which no type sniffing names.
  const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(510)])
  const html = Buffer.from('<!doctype html><html><body><script>fetch("/api/users/me").then((r) => r.text())</script></body></html>')

  it('is refused with what it is and what it was declared (anonymously 403): nothing created, no file left', async () => {
    const before = await counts()
    const files = leftFiles()
    reachedNext.length = 0
    for (const auth of [true, false]) {
      refusedFor(auth, await send('media', multipart([as(notice, 'photo.png', 'image/png'), data(doc)]), { auth }), 400, msg.content('application/pdf', 'image/png'), 'file')
      refusedFor(auth, await send('media', multipart([as(html, 'photo.png', 'image/png'), data(doc)]), { auth }), 400, msg.unknown('image/png'), 'file')
      // A type the browser does not know is judged by the contents alone.
      refusedFor(auth, await send('media', multipart([as(notice, 'photo', 'application/octet-stream'), data(doc)]), { auth }), 400, msg.content('application/pdf', 'application/octet-stream'), 'file')
      refusedFor(auth, await send('policy-documents', multipart([as(png, '通知.pdf', 'application/pdf'), data(doc)]), { auth }), 400, msg.content('image/png', 'application/pdf'), 'file')
      refusedFor(auth, await send('policy-documents', multipart([as(exe, '通知.pdf', 'application/pdf'), data(doc)]), { auth }), 400, msg.content('application/x-msdownload', 'application/pdf'), 'file')
      refusedFor(auth, await send('policy-documents', multipart([as(html, '通知.ofd', 'application/octet-stream'), data(doc)]), { auth }), 400, msg.unknown('application/octet-stream'), 'file')
      refusedFor(auth, await send(`media/${mediaId}`, multipart([as(notice, 'photo.png', 'image/png'), data(doc)]), { auth, method: 'PATCH' }), 400, msg.content('application/pdf', 'image/png'), 'file')
    }
    refused(await send('media', multipart([data(doc), as(notice, 'photo.png', 'image/png')]), { chunked: true }), 400, msg.content('application/pdf', 'image/png'), 'file')
    expect(reachedNext).toEqual([])
    expect(await counts()).toEqual(before)
    expect(leftFiles()).toEqual(files)
    expect(((await payload.findByID({ collection: 'media', id: mediaId, overrideAccess: true })) as { filename: string }).filename).toBe('orig.png')
  })

  it('is judged from its first bytes as they come, while the rest of a large upload is still being sent', async () => {
    const before = await counts()
    const head = (value: Buffer, more = 256 * 1024) =>
      Buffer.concat([Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`), value, Buffer.alloc(more)])
    refused(await answerWhileSending('media', head(notice)), 400, msg.content('application/pdf', 'image/png'), 'file')
    refused(await answerWhileSending('media', head(html)), 400, msg.unknown('image/png'), 'file')
    // Just past the head and then nothing: no later chunk brings the answer, the judgement itself does.
    refused(await answerWhileSending('media', head(notice, 5000)), 400, msg.content('application/pdf', 'image/png'), 'file')
    expect(await counts()).toEqual(before)
  }, 15_000)

  it('files the collections take still reach Payload, whatever type they were declared as when their contents are one it takes', async () => {
    const before = await counts()
    const base = sharp({ create: { width: 8, height: 8, channels: 3, background: '#3c3' } })
    const images: [Buffer, string, string, string][] = [
      [png, 'a.png', 'image/png', 'image/png'],
      [await base.clone().jpeg().toBuffer(), 'a.jpg', 'image/jpeg', 'image/jpeg'],
      [await base.clone().webp().toBuffer(), 'a.webp', 'image/webp', 'image/webp'],
      [await base.clone().gif().toBuffer(), 'a.gif', 'image/gif', 'image/gif'],
      [png, 'b.png', 'application/octet-stream', 'image/png'],
      // Payload goes by the contents, not the declared type, and so does the check before it.
      [png, 'c.jpg', 'image/jpeg', 'image/png'],
      [await base.clone().jpeg().toBuffer(), 'd.jpg', 'image/jpg', 'image/jpeg'],
      [png, 'e.png', 'text/plain', 'image/png'],
      // A part with no type of its own (busboy takes it as text/plain).
      [png, 'f.png', '', 'image/png'],
    ]
    for (const [value, filename, type, stored] of images) {
      const r = await send('media', multipart([as(value, filename, type), data(doc)]))
      expect(r.status, `${filename} as ${type}: ${r.text.slice(0, 300)}`).toBe(201)
      expect(r.json.doc.mimeType).toBe(stored)
    }
    const fixture = (name: string) => fs.readFileSync(path.join(process.cwd(), 'test', 'fixtures', name))
    const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
    const documents: [Buffer, string, string, string][] = [
      [notice, '通知.pdf', 'application/pdf', 'application/pdf'],
      [fixture('clean.docx'), '通知.docx', DOCX, DOCX],
      [fixture('clean.ofd'), '通知.ofd', 'application/octet-stream', 'application/ofd'],
      [fixture('clean.ofd'), '通知2.ofd', 'application/x-zip-compressed', 'application/ofd'],
    ]
    for (const [value, filename, type, stored] of documents) {
      const r = await send('policy-documents', multipart([as(value, filename, type), data(doc)]))
      expect(r.status, `${filename} as ${type}: ${r.text.slice(0, 300)}`).toBe(201)
      expect(r.json.doc.mimeType).toBe(stored)
    }
    expect(await counts()).toEqual({ media: before.media + images.length, documents: before.documents + documents.length })
  }, 30_000)
})
