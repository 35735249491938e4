import http from 'node:http'
import https from 'node:https'

import { checkUrl, guardedLookup, type Resolver } from '../../lib/outbound'
import type { LinkReason, LinkResult } from '../types'

/**
 * The external link checker (issue 16: dead links). Never in the save path:
 * the checks endpoint runs it when an editor asks. Each link: HEAD, then GET
 * when HEAD is refused (405/501), answers another error, or fails to connect;
 * redirects followed by hand, at most `maxRedirects`, each hop through the
 * outbound guard (src/lib/outbound.ts), so a redirect to a private or loopback
 * address is refused before any connection; a timeout for each request; no
 * body read (a GET is closed once its status line and headers are in).
 *
 * Links may be plain http (many public sites still are), under the same
 * address rules as https. Trusted origins (LINK_CHECK_TRUSTED_ORIGINS: an
 * intranet site of the street's own, the tests' local servers) pass the guard.
 */

export type LinkCheckOptions = {
  /** Origins exempt from the guard (may be private or loopback). */
  trustedOrigins?: readonly string[]
  /** DNS for the guard (tests inject one). */
  resolve?: Resolver
  /** Per request, from sending it to its response headers. */
  timeoutMs?: number
  maxRedirects?: number
  /** Links checked at the same time (checkExternalLinks). */
  concurrency?: number
}

export const LINK_CHECK_DEFAULTS = { timeoutMs: 5000, maxRedirects: 5, concurrency: 4 }
const REDIRECTS = new Set([301, 302, 303, 307, 308])
const USER_AGENT = 'StreetNews-LinkCheck/1 (+dead link check before publishing)'

type Hop = { status: number; location?: string } | { error: 'timeout' | 'refused-address' | 'network'; detail: string }

/** One request, headers only: its status and Location, or why it failed. */
function request(url: URL, method: 'HEAD' | 'GET', trusted: boolean, options: LinkCheckOptions): Promise<Hop> {
  const secure = url.protocol === 'https:'
  const lookup = trusted ? undefined : guardedLookup(options.resolve)
  const agent = secure ? new https.Agent({ keepAlive: false, ...(lookup ? { lookup } : {}) }) : new http.Agent({ keepAlive: false, ...(lookup ? { lookup } : {}) })
  const timeoutMs = options.timeoutMs ?? LINK_CHECK_DEFAULTS.timeoutMs
  return new Promise<Hop>((done) => {
    let settled = false
    const finish = (hop: Hop) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      req.destroy()
      agent.destroy()
      done(hop)
    }
    const req = (secure ? https : http).request(url, { method, agent, headers: { 'user-agent': USER_AGENT, accept: '*/*' } }, (res) => {
      const location = typeof res.headers.location === 'string' ? res.headers.location : undefined
      // Nothing of the body is wanted: the connection is closed with the request.
      res.on('error', () => undefined)
      finish({ status: res.statusCode ?? 0, location })
    })
    const timer = setTimeout(() => finish({ error: 'timeout', detail: `no answer in ${timeoutMs} ms` }), timeoutMs)
    req.on('error', (err: Error & { code?: string }) =>
      finish(err.code === 'EOUTBOUNDREFUSED' ? { error: 'refused-address', detail: err.message } : { error: 'network', detail: err.code || err.message }),
    )
    req.end()
  })
}

const result = (reason: LinkReason, status?: number, detail?: string): LinkResult => ({
  ok: reason === 'ok',
  reason,
  ...(status !== undefined ? { status } : {}),
  ...(detail ? { detail } : {}),
})

function byStatus(status: number): LinkResult {
  if (status >= 200 && status < 400) return result('ok', status)
  if (status === 404 || status === 410) return result('not-found', status)
  if (status >= 500) return result('server-error', status)
  return result('client-error', status)
}

/** Where a URL may be fetched: the guard's verdict, with plain http allowed. */
function guard(raw: string | URL, options: LinkCheckOptions): { url: URL; trusted: boolean } | LinkResult {
  let url: URL
  try {
    url = new URL(String(raw))
  } catch {
    return result('bad-url', undefined, 'not a URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return result('bad-url', undefined, `${url.protocol} is not http(s)`)
  const checked = checkUrl(url, { trustedOrigins: options.trustedOrigins, allowHttp: true })
  if (!checked.ok) return result('refused-address', undefined, checked.reason)
  return { url: checked.url, trusted: checked.trusted }
}

/** One method along the redirect chain. */
async function follow(start: URL, trusted: boolean, method: 'HEAD' | 'GET', options: LinkCheckOptions): Promise<{ hop: Hop | null; final: LinkResult | null }> {
  const max = options.maxRedirects ?? LINK_CHECK_DEFAULTS.maxRedirects
  const seen = new Set<string>([start.href])
  let url = start
  let isTrusted = trusted
  let verb = method
  for (let redirects = 0; ; redirects++) {
    const hop = await request(url, verb, isTrusted, options)
    if ('error' in hop) return { hop, final: null }
    if (!REDIRECTS.has(hop.status) || !hop.location) return { hop, final: null }
    if (redirects >= max) return { hop: null, final: result('too-many-redirects', hop.status, `more than ${max} redirects`) }
    let next: URL
    try {
      next = new URL(hop.location, url)
    } catch {
      return { hop: null, final: result('bad-url', hop.status, `redirect to “${hop.location}”`) }
    }
    next.hash = ''
    if (seen.has(next.href)) return { hop: null, final: result('redirect-loop', hop.status, next.href) }
    seen.add(next.href)
    const target = guard(next, options)
    if ('reason' in target) return { hop: null, final: { ...target, detail: `redirect to ${next.href}: ${target.detail ?? ''}` } }
    url = target.url
    isTrusted = target.trusted
    if (hop.status === 303) verb = 'GET'
  }
}

/** Checks one external link. Never throws. */
export async function checkExternalLink(raw: string, options: LinkCheckOptions = {}): Promise<LinkResult> {
  const start = guard(raw.trim(), options)
  if ('reason' in start) return start
  start.url.hash = ''
  const head = await follow(start.url, start.trusted, 'HEAD', options)
  if (head.final) return head.final
  const h = head.hop!
  if ('error' in h) {
    // A refused address or a timeout would be the same for GET.
    if (h.error !== 'network') return result(h.error, undefined, h.detail)
  } else if (h.status < 400 || h.status === 404 || h.status === 410) {
    return byStatus(h.status)
  }
  // HEAD refused (405, 501), answered with another error, or the connection failed: ask with GET.
  const get = await follow(start.url, start.trusted, 'GET', options)
  if (get.final) return get.final
  const g = get.hop!
  return 'error' in g ? result(g.error, undefined, g.detail) : byStatus(g.status)
}

/** Checks many links, each once, `concurrency` at a time: the results by URL as given. */
export async function checkExternalLinks(urls: readonly string[], options: LinkCheckOptions = {}): Promise<Map<string, LinkResult>> {
  const unique = [...new Set(urls)]
  const out = new Map<string, LinkResult>()
  const width = Math.max(1, Math.min(options.concurrency ?? LINK_CHECK_DEFAULTS.concurrency, unique.length))
  let next = 0
  const worker = async () => {
    while (next < unique.length) {
      const url = unique[next++]
      out.set(url, await checkExternalLink(url, options))
    }
  }
  await Promise.all(Array.from({ length: width }, worker))
  return out
}
