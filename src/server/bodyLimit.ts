import type { IncomingMessage } from 'node:http'

import type { NextFunction, Request, Response } from 'express'
import type { CollectionSlug, Payload } from 'payload'

import { t, type MessageKey } from '../i18n/messages'
import { env } from './env'

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
 * Multipart uploads and requests without a body are not held.
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
  return (req: Request, res: Response, next: NextFunction) => {
    if (!isApiPath(req.path)) return next()
    const upload = isMultipart(req) && (uploadSlugs.has((req.path.split('/')[2] ?? '') as CollectionSlug) || uploadPaths.has(req.path))
    const limit = upload ? env.uploadLimit : env.apiBodyLimit
    const refuse = (close = false) => tooLarge(payload, req, res, upload ? 'api.error.uploadTooLarge' : 'api.error.bodyTooLarge', limit, close)
    const json = !upload && isJsonWrite(req)
    const declared = req.headers['content-length']
    if (hasBody(req) && unsupportedType(req)) return unsupported(payload, req, res)
    if (declared !== undefined && Number(declared) > limit) return refuse(Number(declared) > DISCARD_FACTOR * limit)
    if (!json && (declared !== undefined || !req.headers['transfer-encoding'])) return next()
    if (json && declared === undefined && !req.headers['transfer-encoding']) return next() // no body
    holdBody(req, limit, (within, body) => (!within ? refuse() : json && !isJson(body) ? invalidJson(payload, req, res) : next()))
  }
}

const isJsonWrite = (req: Request) => /^(?:POST|PUT|PATCH)$/.test(req.method) && /^application\/json\s*(?:;|$)/i.test(req.headers['content-type'] ?? '')

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
  if (!type || !/^(?:POST|PUT|PATCH)$/.test(req.method)) return false
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
 * `done` gets the whole body when it is within the limit.
 */
function holdBody(req: IncomingMessage, limit: number, done: (within: boolean, body: Buffer) => void) {
  const state = (req as unknown as { _readableState?: ReadableState })._readableState
  // Chunks the parser delivered before this middleware ran wait in the stream's buffer, and stay there
  // (reading them would mark the stream as read, and Next refuses a body stream that was).
  let total = req.readableLength
  if (state?.ended || total > limit) return done(total <= limit, total <= limit ? Buffer.concat(waiting(state)) : Buffer.alloc(0))
  const early = waiting(state)
  const held: Buffer[] = []
  let settled = false
  const push: Push = req.push
  req.push = function (this: IncomingMessage, chunk: unknown, encoding?: BufferEncoding) {
    if (settled) return true // refused: the rest is read and dropped
    if (chunk === null) {
      settled = true
      req.push = push
      for (const c of held) push.call(this, c)
      push.call(this, null)
      done(true, Buffer.concat([...early, ...held]))
      return false
    }
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, encoding)
    total += buf.length
    if (total > limit) {
      settled = true
      held.length = 0
      done(false, Buffer.alloc(0))
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

function invalidJson(payload: Payload, req: Request, res: Response) {
  payload.logger.warn({ url: req.originalUrl }, 'request body is not valid JSON')
  res.status(400).set('Cache-Control', 'no-store').json({ errors: [{ message: t('api.error.invalidJson', langOf(req)) }] })
}

function formatBytes(n: number): string {
  if (n >= 1024 ** 2 && n % 1024 ** 2 === 0) return `${n / 1024 ** 2} MB`
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KB`
  return `${n} B`
}
