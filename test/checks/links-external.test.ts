import http from 'node:http'
import net from 'node:net'

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { checkExternalLink, checkExternalLinks, type LinkCheckOptions } from '../../src/checks/links/external'
import type { Resolver } from '../../src/lib/outbound'

/**
 * The external link checker against real HTTP servers on 127.0.0.1: `site`
 * is reached through the trusted-origins option, `inside` is never trusted
 * and stands for the street's own network (it must never see a request).
 */

type Seen = string[]
type Server = { server: http.Server; origin: string; port: number; seen: Seen }

let site: Server
let inside: Server
let inFlight = 0
let maxInFlight = 0

async function listen(handler: (req: http.IncomingMessage, res: http.ServerResponse, s: Server) => void): Promise<Server> {
  const s = { seen: [] as Seen } as Server
  s.server = http.createServer((req, res) => {
    s.seen.push(`${req.method} ${req.url}`)
    handler(req, res, s)
  })
  await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', () => resolve()))
  s.port = (s.server.address() as net.AddressInfo).port
  s.origin = `http://127.0.0.1:${s.port}`
  return s
}

const redirect = (res: http.ServerResponse, to: string, status = 302) => {
  res.writeHead(status, { location: to })
  res.end()
}

beforeAll(async () => {
  inside = await listen((_req, res) => res.end('secret'))
  site = await listen((req, res) => {
    const path = (req.url ?? '').split('?')[0]
    if (path === '/ok') return res.end('hello')
    if (path === '/missing') return res.writeHead(404).end('no')
    if (path === '/gone') return res.writeHead(410).end()
    if (path === '/broken') return res.writeHead(500).end('boom')
    if (path === '/forbidden') return res.writeHead(403).end()
    if (path === '/nohead') return req.method === 'HEAD' ? res.writeHead(405).end() : res.end('got')
    if (path === '/slow') return // never answers
    if (path === '/loop-a') return redirect(res, '/loop-b')
    if (path === '/loop-b') return redirect(res, '/loop-a')
    if (path === '/relative') return redirect(res, '/ok', 301)
    if (path.startsWith('/chain/')) return redirect(res, `/chain/${Number(path.slice(7)) + 1}`)
    if (path === '/to-inside') return redirect(res, `${inside.origin}/admin`)
    if (path === '/to-name') return redirect(res, `http://evil.example:${inside.port}/admin`)
    if (path === '/to-ftp') return redirect(res, 'ftp://files.example.org/x')
    if (path === '/big') {
      // A large body: the checker must not wait for it.
      if (req.method === 'HEAD') return res.writeHead(405).end()
      res.writeHead(200, { 'content-type': 'application/octet-stream' })
      res.write(Buffer.alloc(64 * 1024))
      return // never ends
    }
    if (path.startsWith('/delay/')) {
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      setTimeout(() => {
        inFlight--
        res.end('late')
      }, 60)
      return
    }
    res.writeHead(404).end()
  })
})

afterAll(async () => {
  for (const s of [site, inside]) {
    s.server.closeAllConnections()
    await new Promise<void>((resolve) => s.server.close(() => resolve()))
  }
})

beforeEach(() => {
  site.seen.length = 0
  inside.seen.length = 0
})

/** A resolver that maps every name to loopback (a hostile DNS answer). */
const toLoopback: Resolver = async () => [{ address: '127.0.0.1', family: 4 }]
const trusted = (): LinkCheckOptions => ({ trustedOrigins: [site.origin], resolve: toLoopback, timeoutMs: 400 })

describe('checkExternalLink against a trusted local site', () => {
  const cases: [path: string, expected: { ok: boolean; reason: string; status?: number }, requests: string[]][] = [
    ['/ok', { ok: true, reason: 'ok', status: 200 }, ['HEAD /ok']],
    ['/missing', { ok: false, reason: 'not-found', status: 404 }, ['HEAD /missing']],
    ['/gone', { ok: false, reason: 'not-found', status: 410 }, ['HEAD /gone']],
    ['/broken', { ok: false, reason: 'server-error', status: 500 }, ['HEAD /broken', 'GET /broken']],
    ['/forbidden', { ok: false, reason: 'client-error', status: 403 }, ['HEAD /forbidden', 'GET /forbidden']],
    ['/nohead', { ok: true, reason: 'ok', status: 200 }, ['HEAD /nohead', 'GET /nohead']],
    ['/relative', { ok: true, reason: 'ok', status: 200 }, ['HEAD /relative', 'HEAD /ok']],
    ['/loop-a', { ok: false, reason: 'redirect-loop' }, ['HEAD /loop-a', 'HEAD /loop-b']],
    ['/chain/0', { ok: false, reason: 'too-many-redirects' }, ['HEAD /chain/0', 'HEAD /chain/1', 'HEAD /chain/2', 'HEAD /chain/3', 'HEAD /chain/4', 'HEAD /chain/5']],
    ['/to-ftp', { ok: false, reason: 'bad-url' }, ['HEAD /to-ftp']],
  ]
  it.each(cases)('%s → %o', async (path, expected, requests) => {
    const r = await checkExternalLink(`${site.origin}${path}`, trusted())
    expect(r).toMatchObject(expected)
    expect(site.seen).toEqual(requests)
  })

  it('a server that never answers times out, within the timeout set', async () => {
    const started = Date.now()
    const r = await checkExternalLink(`${site.origin}/slow`, { ...trusted(), timeoutMs: 250 })
    expect(r).toMatchObject({ ok: false, reason: 'timeout' })
    expect(Date.now() - started).toBeLessThan(2000)
    expect(site.seen).toEqual(['HEAD /slow'])
  })

  it('a GET is answered from its headers: a body that never ends is not waited for', async () => {
    const r = await checkExternalLink(`${site.origin}/big`, { ...trusted(), timeoutMs: 1000 })
    expect(r).toMatchObject({ ok: true, status: 200 })
    expect(site.seen).toEqual(['HEAD /big', 'GET /big'])
  })

  it('a redirect to a private address is refused without connecting to it', async () => {
    const r = await checkExternalLink(`${site.origin}/to-inside`, trusted())
    expect(r).toMatchObject({ ok: false, reason: 'refused-address' })
    expect(site.seen).toEqual(['HEAD /to-inside'])
    expect(inside.seen).toEqual([])
  })

  it('a redirect to a name that resolves to loopback is refused without connecting to it', async () => {
    const r = await checkExternalLink(`${site.origin}/to-name`, trusted())
    expect(r).toMatchObject({ ok: false, reason: 'refused-address' })
    expect(inside.seen).toEqual([])
  })

  it('a connection refused is a network failure', async () => {
    const closed = await listen(() => undefined)
    const origin = closed.origin
    await new Promise<void>((resolve) => closed.server.close(() => resolve()))
    const r = await checkExternalLink(`${origin}/x`, { trustedOrigins: [origin], timeoutMs: 1000 })
    expect(r).toMatchObject({ ok: false, reason: 'network' })
  })
})

describe('with no trusted origins: the outbound guard refuses inside addresses without connecting', () => {
  const refused = (port: () => number) => [
    `http://127.0.0.1:${port()}/admin`,
    `https://127.0.0.1:${port()}/admin`,
    `http://[::1]:${port()}/admin`,
    `http://[::ffff:127.0.0.1]:${port()}/admin`,
    `http://[::ffff:7f00:1]:${port()}/admin`,
    `http://2130706433:${port()}/admin`,
    'http://10.0.0.5/admin',
    'http://192.168.1.1/',
    'http://169.254.169.254/latest/meta-data',
    'http://[fd00::1]/',
    `http://localhost:${port()}/admin`,
    `http://evil.example:${port()}/admin`, // the injected resolver maps it to 127.0.0.1
  ]
  it('each one is refused-address, and the local server sees nothing', async () => {
    for (const url of refused(() => inside.port)) {
      const r = await checkExternalLink(url, { trustedOrigins: [], resolve: toLoopback, timeoutMs: 400 })
      expect(r, url).toMatchObject({ ok: false, reason: 'refused-address' })
    }
    expect(inside.seen).toEqual([])
  })

  it('the site itself is refused once it is not trusted', async () => {
    const r = await checkExternalLink(`${site.origin}/ok`, { resolve: toLoopback })
    expect(r).toMatchObject({ ok: false, reason: 'refused-address' })
    expect(site.seen).toEqual([])
  })

  it.each(['not a url', 'ftp://files.example.org/x', 'mailto:office@example.org', ''])('%j is a bad URL', async (url) => {
    expect(await checkExternalLink(url, { resolve: toLoopback })).toMatchObject({ ok: false, reason: 'bad-url' })
  })
})

describe('checkExternalLinks: each link once, a few at a time', () => {
  it('deduplicates and keeps at most `concurrency` requests open', async () => {
    maxInFlight = 0
    const urls = Array.from({ length: 10 }, (_, i) => `${site.origin}/delay/${i % 8}`)
    const results = await checkExternalLinks(urls, { ...trusted(), concurrency: 3, timeoutMs: 2000 })
    expect(results.size).toBe(8)
    expect([...results.values()].every((r) => r.ok)).toBe(true)
    expect(site.seen.filter((s) => s.startsWith('HEAD /delay/')).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `HEAD /delay/${i}`).sort())
    expect(maxInFlight).toBeLessThanOrEqual(3)
    expect(maxInFlight).toBeGreaterThan(1)
  })

  it('answers each URL as given, a dead one among live ones', async () => {
    const results = await checkExternalLinks([`${site.origin}/ok`, `${site.origin}/missing`, `${site.origin}/ok`], trusted())
    expect(Object.fromEntries([...results].map(([u, r]) => [u.slice(site.origin.length), r.reason]))).toEqual({ '/ok': 'ok', '/missing': 'not-found' })
  })
})
