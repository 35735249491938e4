import type { IncomingMessage } from 'node:http'

import type { NextFunction, Request, Response } from 'express'
import type { CollectionSlug, Payload } from 'payload'

import { t, type MessageKey } from '../i18n/messages'
import { staffOfRequest } from '../site/respond'
import { env } from './env'
import { formCheck, type FormProblem, type FormRules } from './formCheck'

/**
 * Request bodies of Payload's REST and GraphQL API (everything under /api),
 * capped before Next reads them: API_BODY_LIMIT for JSON and forms,
 * UPLOAD_LIMIT for a multipart request to an upload collection or to an
 * endpoint that takes a file (the file and its fields). Payload itself reads
 * a body of any size into memory.
 *
 * A declared Content-Length is checked at once (Node's parser then reads no
 * more than that). A chunked body has no length up front: its chunks are held
 * here as the parser delivers them and handed on, in order, once the body is
 * complete and within the cap, so Next reads exactly what was sent; over the
 * cap, nothing reaches Next. Either way a refusal is a 413 with the Payload
 * error shape (`errors[0].message`), in Chinese unless the admin language is
 * English. The rest of the body is read and dropped (Node does so for an
 * unread request), so the client, still sending, gets the answer: closing at
 * once would reset the connection under it, and the 413 could be lost. A
 * declared length far beyond the cap (DISCARD_FACTOR times) closes the
 * connection instead of reading that much.
 *
 * A JSON body (POST, PUT or PATCH with Content-Type application/json) is held
 * the same way, whatever its length header, and parsed once complete: one
 * that is not JSON is refused with a 400 in the same shape (Payload's REST
 * routes said "Invalid JSON" in English, its GraphQL route a 500 with no
 * body), and nothing reaches Next. A valid one goes on to Next byte for byte.
 * Requests without a body are not held.
 *
 * A multipart write (Payload's admin sends a document as form-data: `file`
 * and a JSON string in `_payload`) is held the same way and read alongside
 * as it arrives (formCheck.ts: the fields, the parts' headers and a copy of
 * the first 4 KB of an upload's file, no more of it): a broken form, a
 * `_payload` that is not a JSON object, is repeated or is over
 * API_BODY_LIMIT, too many parts, and on an upload collection a create
 * without a file or a file of a type it does not take (declared, or as its
 * first bytes show: fileContents.ts), are refused with a 400 (413 for sizes)
 * naming the field, before Payload sees any of it. The held chunks then go on to Next as they are, so the
 * upload is in memory once here.
 *
 * A write with a body of any other type (text/plain, which a bare fetch
 * sends, XML, CSV) is refused with a 415 in the same shape: Payload reads
 * only JSON and forms, and failed on the rest with a 500 from deep in its
 * field hooks.
 */
const DISCARD_FACTOR = 8

export function apiBodyLimit(payload: Payload) {
  const uploadSlugs = new Set(Object.values(payload.collections).filter((c) => c.config.upload).map((c) => c.config.slug))
  // A collection endpoint that takes a file says so with `custom: { upload: true }` (the subscriber import).
  const uploadPaths = new Set(
    Object.values(payload.collections).flatMap((c) => (c.config.endpoints || []).filter((e) => e.custom?.upload).map((e) => `${payload.config.routes.api}/${c.config.slug}${e.path}`)),
  )
  const partLimits = { fields: 20, files: 3, ...payload.config.upload?.limits }
  return (req: Request, res: Response, next: NextFunction) => {
    // As Next routes it: each segment decoded (`/api/m%65dia` is the image library, `/%61pi/media` too).
    const segments = req.path.split('/').map(decodeSegment)
    if (!isApiPath(segments.join('/'))) return next()
    const slug = (segments[2] ?? '') as CollectionSlug
    // A read sent as a POST form is a query, held to the API's own cap.
    const upload = isMultipart(req) && !isReadOverride(req) && (uploadSlugs.has(slug) || uploadPaths.has(segments.join('/')))
    const limit = upload ? env.uploadLimit : env.apiBodyLimit
    const refuse = (close = false) => tooLarge(payload, req, res, upload ? 'api.error.uploadTooLarge' : 'api.error.bodyTooLarge', limit, close)
    const json = !upload && isJsonWrite(req)
    const declared = req.headers['content-length']
    if (hasBody(req) && unsupportedType(req)) return unsupported(payload, req, res)
    if (declared !== undefined && Number(declared) > limit) return refuse(Number(declared) > DISCARD_FACTOR * limit)
    if (isWrite(req) && isMultipart(req)) {
      // Only staff upload: an anonymous upload is refused before a byte of it is held, so nobody can make the
      // server hold (and Payload parse) files it would refuse anyway. Other forms (the admin sends its login,
      // forgot-password and reset forms as form-data too) are anyone's.
      if (!upload) return holdForm()
      return void staffOfRequest(payload, req).then((user) => (user ? holdForm() : notSignedIn(payload, req, res, declared === undefined)), next)
    }
    if (!json && (declared !== undefined || !req.headers['transfer-encoding'])) return next()
    if (json && declared === undefined && !req.headers['transfer-encoding']) return next() // no body
    holdBody(req, limit, undefined, (within, chunks) => (!within ? refuse() : json && !isJson(Buffer.concat(chunks)) ? invalidJson(payload, req, res) : next()))

    function holdForm() {
      const check = formCheck(req.headers, { fieldSize: env.apiBodyLimit, fields: partLimits.fields ?? 20, files: partLimits.files ?? 3, upload: uploadRules(payload, req, slug, segments) })
      const refuseForm = (problem: FormProblem) => badForm(payload, req, res, problem)
      // A problem seen on the way stops the holding at once (the rest is read and dropped), as a size over the cap does;
      // so does one found a moment later (a file's contents are judged asynchronously), even if no chunk comes after.
      const stop = holdBody(req, limit, check.write, (within) => {
        const seen = check.problem()
        if (seen || !within) check.abandon()
        if (seen) return refuseForm(seen)
        if (!within) return refuse()
        check.end().then((problem) => (problem ? refuseForm(problem) : next()), next)
      })
      check.onLateProblem(stop)
    }
  }
}

const isWrite = (req: Request) => /^(?:POST|PUT|PATCH)$/.test(req.method)

/** A read sent as a POST, exactly as Payload takes one (its method override): its form is a query, which anyone may send. */
const isReadOverride = (req: Request) => req.method === 'POST' && (req.headers['x-payload-http-method-override'] === 'GET' || req.headers['x-http-method-override'] === 'GET')

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment // malformed: Next refuses it
  }
}

/**
 * What a multipart write to an upload collection's own routes must hold: on a create (POST to the
 * collection, not a draft), a file unless the collection says files are optional; on any write, a file
 * of a type the collection takes, declared and by its contents (unless the collection allows restricted
 * file types, where Payload does not judge the contents either). None for its endpoints, nor for a read sent as a POST (Payload's
 * method override).
 */
function uploadRules(payload: Payload, req: Request, slug: CollectionSlug, segments: string[]): FormRules['upload'] {
  const config = payload.collections[slug]?.config.upload
  const parts = segments.filter(Boolean) // ['api', slug, id?]
  if (!config || parts.length > 3 || isReadOverride(req)) return undefined
  const create = req.method === 'POST' && parts.length === 2
  const fileRequired = create && config.filesRequiredOnCreate !== false && req.query.draft !== 'true'
  return { fileRequired, mimeTypes: config.mimeTypes ?? [], contents: !config.allowRestrictedFileTypes }
}

const isJsonWrite = (req: Request) => isWrite(req) && /^application\/json\s*(?:;|$)/i.test(req.headers['content-type'] ?? '')

/** As Payload reads a JSON body: an empty one stands for `{}`. */
function isJson(body: Buffer): boolean {
  if (body.length === 0) return true
  try {
    JSON.parse(body.toString('utf8'))
    return true
  } catch {
    return false
  }
}

const hasBody = (req: Request) => Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined

/** A write whose declared type Payload cannot read (no type at all is left to Payload). */
function unsupportedType(req: Request): boolean {
  const type = req.headers['content-type']
  if (!type || !isWrite(req)) return false
  return !/^(?:application\/json|multipart\/form-data|application\/x-www-form-urlencoded)\s*(?:;|$)/i.test(type)
}

const isApiPath = (p: string) => p === '/api' || p.startsWith('/api/')
const isMultipart = (req: Request) => /^multipart\/form-data/i.test(req.headers['content-type'] ?? '')

type Push = IncomingMessage['push']

type ReadableState = { ended?: boolean; buffer?: Iterable<unknown>; bufferIndex?: number }

/** The chunks waiting in the stream's buffer, unread. */
function waiting(state: ReadableState | undefined): Buffer[] {
  const buffer = state?.buffer
  if (!buffer) return []
  // Node 20 keeps a list, later versions an array read from bufferIndex on.
  const chunks = Array.isArray(buffer) ? buffer.slice(state.bufferIndex ?? 0) : [...buffer]
  return chunks.filter((c): c is Buffer => Buffer.isBuffer(c))
}

/**
 * Collect a body up to `limit` bytes, then pass it on to the stream's reader (within) or drop it (not).
 * `seen` is shown each chunk as it comes, and stops the holding by answering false (`done` then hears
 * `within` false, as over the limit); `done` gets the body's chunks (not copied) when it is within the limit.
 * Answers a function that stops the holding the same way from outside (nothing once the body is settled).
 */
function holdBody(req: IncomingMessage, limit: number, seen: ((chunk: Buffer) => boolean) | undefined, done: (within: boolean, chunks: Buffer[]) => void): () => void {
  const state = (req as unknown as { _readableState?: ReadableState })._readableState
  // Chunks the parser delivered before this middleware ran wait in the stream's buffer, and stay there
  // (reading them would mark the stream as read, and Next refuses a body stream that was).
  let total = req.readableLength
  const early = total <= limit ? waiting(state) : []
  if (seen && !early.every(seen)) {
    done(false, [])
    return () => {}
  }
  if (state?.ended || total > limit) {
    done(total <= limit, early)
    return () => {}
  }
  const held: Buffer[] = []
  let settled = false
  const stop = () => {
    if (settled) return
    settled = true
    held.length = 0
    done(false, [])
  }
  const push: Push = req.push
  req.push = function (this: IncomingMessage, chunk: unknown, encoding?: BufferEncoding) {
    if (settled) return true // refused: the rest is read and dropped
    if (chunk === null) {
      settled = true
      req.push = push
      for (const c of held) push.call(this, c)
      push.call(this, null)
      done(true, [...early, ...held])
      return false
    }
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, encoding)
    total += buf.length
    if (total > limit || (seen && !seen(buf))) {
      stop()
      return true
    }
    held.push(buf)
    // Ask for more: nobody reads this stream until the body is complete.
    return true
  } as Push
  // The parser pauses the socket when the buffer is full; nobody reads it until the body is complete, so
  // resume it as the stream's own read would (unless the server paused it for a pipelined response).
  const socket = req.socket as (typeof req.socket & { _paused?: boolean }) | null
  if (socket && !socket._paused && socket.readable) socket.resume()
  return stop
}

const langOf = (req: Request) => (/(?:^|;\s*)payload-lng=en\b/.test(req.headers.cookie ?? '') ? 'en' : 'zh')

function tooLarge(payload: Payload, req: Request, res: Response, key: MessageKey, limit: number, close: boolean) {
  const message = t(key, langOf(req), { limit: formatBytes(limit) })
  payload.logger.warn({ url: req.originalUrl, limit }, 'request body too large')
  res.status(413).set('Cache-Control', 'no-store')
  if (close) res.set('Connection', 'close')
  res.json({ errors: [{ message }] })
}

function unsupported(payload: Payload, req: Request, res: Response) {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().slice(0, 80)
  payload.logger.warn({ url: req.originalUrl, type }, 'request body of an unsupported type')
  // The body is read and dropped by Node, so a client still sending gets the answer.
  res.status(415).set('Cache-Control', 'no-store').json({ errors: [{ message: t('api.error.unsupportedType', langOf(req), { type }) }] })
}

/**
 * Nothing of the form is held. The rest of a body of a declared length (at most the upload limit, or it
 * was a 413) is read and dropped by Node, as for the 413s, so a staff member whose session ran out in the
 * middle of an upload reads 请先登录 instead of a reset connection; a chunked one, of no known end, has
 * its connection closed.
 */
function notSignedIn(payload: Payload, req: Request, res: Response, close: boolean) {
  payload.logger.warn({ url: req.originalUrl }, 'multipart request body from a caller not signed in')
  res.status(403).set('Cache-Control', 'no-store')
  if (close) res.set('Connection', 'close')
  res.json({ errors: [{ message: t('api.error.uploadNotSignedIn', langOf(req)) }] })
}

function badForm(payload: Payload, req: Request, res: Response, { status, key, vars }: FormProblem) {
  payload.logger.warn({ url: req.originalUrl, problem: key, field: vars.field }, 'multipart request body refused')
  const message = t(key, langOf(req), { ...vars, limit: formatBytes(env.apiBodyLimit) })
  res.status(status).set('Cache-Control', 'no-store').json({ errors: [vars.field ? { message, field: vars.field } : { message }] })
}

function invalidJson(payload: Payload, req: Request, res: Response) {
  payload.logger.warn({ url: req.originalUrl }, 'request body is not valid JSON')
  res.status(400).set('Cache-Control', 'no-store').json({ errors: [{ message: t('api.error.invalidJson', langOf(req)) }] })
}

function formatBytes(n: number): string {
  if (n >= 1024 ** 2 && n % 1024 ** 2 === 0) return `${n / 1024 ** 2} MB`
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KB`
  return `${n} B`
}
