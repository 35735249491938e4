/**
 * `npm run bench -- page [--quick]`: throughput and p99 latency of the cached
 * issue page, against a bare Express route returning a static HTML string of
 * the same size from the same app and server. Fresh SQLite database with the
 * demo street; wrk on 127.0.0.1; no Next.
 *
 * Target: the issue page at no less than half the bare route's throughput,
 * and (the reason it can) no database query per request on the hot path.
 * Ends with one line of JSON; exits 1 when a target is missed.
 */
import fs from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { monitorEventLoopDelay } from 'node:perf_hooks'

import { benchEnvironment } from './_env'
import { wrk, type WrkResult } from './_wrk'

const quick = process.argv.includes('--quick')
const THREADS = 2
const CONNECTIONS = 64
// Rounds alternate bare and page so drift on a shared machine hits both alike.
const ROUNDS = quick ? 1 : 2
const SECONDS = quick ? 4 : 10
const WARMUP_SECONDS = quick ? 1 : 3
const TARGET_MIN_PAGE_RATIO = 0.5
const TARGET_MAX_QUERIES_PER_1K = 1

const out = (line: string) => process.stdout.write(`${line}\n`)

// A database and data directory of our own, set before Payload's config is loaded.
const dir = benchEnvironment('page')

const { initPayload } = await import('../../src/server/payload')
const { seedDemo } = await import('../../src/seed/demo')
const { createApp, listen } = await import('../../src/server/app')

let server: Server | null = null
let exitCode = 1
try {
  out(`page benchmark${quick ? ' (quick)' : ''}: fresh SQLite in ${dir}`)
  const payload = await initPayload()
  await seedDemo(payload)
  const { docs } = await payload.find({ collection: 'issues', where: { _status: { equals: 'published' } }, limit: 1, overrideAccess: true })
  const issue = docs[0] as unknown as { number: number; title: string }
  if (!issue) throw new Error('the demo data has no published issue')

  // Count every read the database adapter does, to show the hot path does none.
  let dbReads = 0
  const db = payload.db as unknown as Record<string, unknown>
  for (const name of ['find', 'findOne', 'findGlobal', 'findVersions', 'findGlobalVersions', 'queryDrafts', 'count', 'countVersions', 'countGlobalVersions', 'findDistinct']) {
    const original = db[name]
    if (typeof original !== 'function') continue
    db[name] = (...args: unknown[]) => {
      dbReads++
      return (original as (...a: unknown[]) => unknown).apply(payload.db, args)
    }
  }

  const app = createApp(payload)
  // The cheapest Express answer: the static HTML already encoded, one header, no ETag hashing
  // (res.send would hash it on every request), so the ratio is against the floor, not a strawman.
  let bareBody = Buffer.alloc(0)
  app.get('/__bench/bare', (_req, res) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8')
    res.end(bareBody)
  })
  server = await listen(payload, app, 0, '127.0.0.1')
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const pageUrl = `${base}/issues/${issue.number}`
  const bareUrl = `${base}/__bench/bare`

  const first = await fetch(pageUrl)
  const pageHtml = await first.text()
  if (first.status !== 200 || !pageHtml.includes(issue.title)) throw new Error(`issue page answered ${first.status} without its title`)
  // The bare route sends a static string of exactly the page's size.
  bareBody = Buffer.from(pageHtml)
  const check = await fetch(bareUrl)
  if ((await check.text()) !== pageHtml) throw new Error('bare route does not answer the static copy')
  const pageBytes = Buffer.byteLength(pageHtml)
  out(`issue page ${pageUrl}: ${pageBytes} bytes; bare route ${bareUrl}: same bytes`)
  out(`wrk: ${THREADS} threads, ${CONNECTIONS} connections, ${ROUNDS} round(s) of ${SECONDS} s per route, after ${WARMUP_SECONDS} s warm-up each`)

  const load = { threads: THREADS, connections: CONNECTIONS }
  await wrk(bareUrl, { ...load, seconds: WARMUP_SECONDS })
  await wrk(pageUrl, { ...load, seconds: WARMUP_SECONDS })

  const bare: WrkResult[] = []
  const page: WrkResult[] = []
  let pageReads = 0
  // The server's own event-loop stalls, to tell them from the load generator's share of the CPU.
  const loop = monitorEventLoopDelay({ resolution: 5 })
  loop.enable()
  const stall = { bare: 0, page: 0 }
  const measure = async (round: number, which: 'bare' | 'page', url: string) => {
    loop.reset()
    const r = await wrk(url, { ...load, seconds: SECONDS })
    const maxMs = loop.max / 1e6
    stall[which] = Math.max(stall[which], maxMs)
    out(`round ${round} ${which}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, longest event-loop stall ${maxMs.toFixed(1)} ms`)
    return r
  }
  for (let round = 1; round <= ROUNDS; round++) {
    bare.push(await measure(round, 'bare', bareUrl))
    const before = dbReads
    page.push(await measure(round, 'page', pageUrl))
    pageReads += dbReads - before
  }
  loop.disable()

  const sum = (rs: WrkResult[], f: (r: WrkResult) => number) => rs.reduce((a, r) => a + f(r), 0)
  const rps = (rs: WrkResult[]) => sum(rs, (r) => r.rps) / rs.length
  const worst = (rs: WrkResult[], f: (r: WrkResult) => number) => Math.max(...rs.map(f))
  const errors = sum([...bare, ...page], (r) => r.non2xx + r.socketErrors)
  const pageRequests = sum(page, (r) => r.requests)
  const round2 = (n: number) => Math.round(n * 100) / 100

  const result = {
    bench: 'page',
    page_rps: Math.round(rps(page)),
    bare_rps: Math.round(rps(bare)),
    page_ratio: round2(rps(page) / rps(bare)),
    target_min_page_ratio: TARGET_MIN_PAGE_RATIO,
    page_p99_ms: round2(worst(page, (r) => r.p99Ms)),
    bare_p99_ms: round2(worst(bare, (r) => r.p99Ms)),
    page_p50_ms: round2(worst(page, (r) => r.p50Ms)),
    page_loop_stall_max_ms: round2(stall.page),
    bare_loop_stall_max_ms: round2(stall.bare),
    page_bytes: pageBytes,
    page_requests: pageRequests,
    page_db_reads: pageReads,
    page_db_reads_per_1k_requests: round2((pageReads / Math.max(pageRequests, 1)) * 1000),
    target_max_page_db_reads_per_1k_requests: TARGET_MAX_QUERIES_PER_1K,
    errors,
    threads: THREADS,
    connections: CONNECTIONS,
    seconds_per_route: SECONDS * ROUNDS,
    quick,
  }
  const missed: string[] = []
  if (result.page_ratio < TARGET_MIN_PAGE_RATIO) missed.push(`page_ratio ${result.page_ratio} < ${TARGET_MIN_PAGE_RATIO}`)
  if (result.page_db_reads_per_1k_requests > TARGET_MAX_QUERIES_PER_1K) {
    missed.push(`page_db_reads_per_1k_requests ${result.page_db_reads_per_1k_requests} > ${TARGET_MAX_QUERIES_PER_1K}`)
  }
  if (errors) missed.push(`${errors} non-2xx responses or socket errors`)
  out(missed.length ? `MISSED: ${missed.join('; ')}` : 'all targets met')
  out(JSON.stringify(result))
  exitCode = missed.length ? 1 : 0
} catch (err) {
  process.stderr.write(`page benchmark failed: ${err instanceof Error ? err.stack : String(err)}\n`)
  exitCode = 1
} finally {
  if (server) {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server!.close(() => resolve()))
  }
  fs.rmSync(dir, { recursive: true, force: true })
}
process.exit(exitCode)
