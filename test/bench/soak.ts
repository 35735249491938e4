/**
 * `npm run bench -- soak [--quick]`: a long mixed read load on the demo
 * street with an editor saving alongside, watching for slow requests and
 * memory swings (issue 10 item 9).
 *
 * The server runs in a process of its own (test/bench/_soak-server.ts: the
 * production start without Next's renderer, REST through Payload's own
 * handlers), NODE_ENV=production, fresh SQLite with the demo street. wrk
 * (test/bench/_soak.lua) requests home, an issue, a grid page, events,
 * policies and the feed in turn, as a browser, at 32 connections, for 5
 * minutes (quick: 1); an editor saves one content a second over REST
 * meanwhile, each save timed. The server's VmRSS is sampled every 250 ms.
 * Before the soak, the bare Express route (a static copy of the issue page
 * from the same server) is loaded the same way, and its p99 printed beside
 * ours.
 *
 * Targets: no request over 1 s (a socket timeout counts as one), RSS peak
 * at most 500 MB. Ends with one line of JSON; exits 1 when a target is missed.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { memoryEnv, memoryFlags, withNodeConditions } from '../../scripts/node-options.mjs'
import { benchEnvironment } from './_env'
import { wrk, type WrkResult } from './_wrk'

const quick = process.argv.includes('--quick')
const THREADS = 2
const CONNECTIONS = 32
const SOAK_SECONDS = Number(process.env.SOAK_SECONDS) || (quick ? 60 : 300)
const BARE_SECONDS = quick ? 10 : 30
const WARMUP_SECONDS = 5
// SOAK_SAVE_EVERY_MS=0: no editor (to tell the reads' share from the saves').
const SAVE_EVERY_MS = process.env.SOAK_SAVE_EVERY_MS === undefined ? 1000 : Number(process.env.SOAK_SAVE_EVERY_MS)
const RSS_EVERY_MS = 250
const TIMELINE_EVERY_MS = quick ? 10_000 : 30_000
const TARGET_MAX_REQUESTS_OVER_1S = 0
const TARGET_MAX_RSS_PEAK_MB = 500
const BROWSER = 'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36'

const here = path.dirname(fileURLToPath(import.meta.url))
const out = (line: string) => process.stdout.write(`${line}\n`)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const round2 = (n: number) => Math.round(n * 100) / 100

const dir = benchEnvironment('soak')

type Started = { port: number; issue: { id: number; number: number; title: string }; grid: string; event: number; policy: number }

/** The server child; resolves with what it printed once listening. */
function startServer(logFile: string): Promise<{ child: ChildProcess; info: Started }> {
  const log = fs.openSync(logFile, 'w')
  // SOAK_NODE_FLAGS: extra Node flags for the server only (e.g. --trace-gc, --cpu-prof), for profiling.
  const flags = (process.env.SOAK_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean)
  // Started as the launcher starts the server (npm start): the same memory settings.
  const child = spawn(process.execPath, [...memoryFlags(), ...flags, '--import', 'tsx', path.join(here, '_soak-server.ts')], {
    stdio: ['ignore', 'pipe', log],
    env: { ...process.env, ...memoryEnv(), NODE_OPTIONS: withNodeConditions(process.env.NODE_OPTIONS) },
  })
  return new Promise((resolve, reject) => {
    let buffered = ''
    const timer = setTimeout(() => reject(new Error('the server did not start in 180 s')), 180_000)
    child.stdout!.on('data', (d: Buffer) => {
      fs.writeSync(log, d)
      buffered += String(d)
      for (const line of buffered.split('\n')) {
        if (!line.startsWith('{"port"')) continue
        clearTimeout(timer)
        resolve({ child, info: JSON.parse(line) as Started })
      }
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1)
    })
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening; see ${logFile}`)))
  })
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : NaN
}

const percentile = (values: number[], p: number) => {
  if (!values.length) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

let server: ChildProcess | null = null
let exitCode = 1
const logFile = path.join(dir, 'server.log')
try {
  out(`soak benchmark${quick ? ' (quick)' : ''}: fresh SQLite in ${dir}, ${SOAK_SECONDS} s of mixed load`)
  const started = await startServer(logFile)
  server = started.child
  const { info } = started
  const base = `http://127.0.0.1:${info.port}`
  const pid = server.pid!

  const paths = ['/', `/issues/${info.issue.number}`, `/grids/${info.grid}`, '/events', '/policies', '/feed.xml']
  for (const p of paths) {
    const r = await fetch(base + p)
    await r.arrayBuffer()
    if (r.status !== 200) throw new Error(`${p} answered ${r.status}`)
  }
  const issueHtml = await (await fetch(`${base}/issues/${info.issue.number}`)).text()
  if (!issueHtml.includes(info.issue.title)) throw new Error('the issue page lacks its title')
  await fetch(`${base}/__bench/bare`, { method: 'POST', body: issueHtml })
  if ((await (await fetch(`${base}/__bench/bare`)).text()) !== issueHtml) throw new Error('the bare route does not answer the static copy')

  const login = await fetch(`${base}/api/users/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'editor@demo.street', password: 'demo-editor-2026' }),
  })
  const token = ((await login.json()) as { token?: string }).token
  if (!token) throw new Error(`the editor could not log in (${login.status})`)

  out(`paths: ${paths.join(' ')}; issue page ${Buffer.byteLength(issueHtml)} bytes`)
  out(`wrk: ${THREADS} threads, ${CONNECTIONS} connections, as a browser; bare route ${BARE_SECONDS} s, then ${SOAK_SECONDS} s mixed with an editor save every ${SAVE_EVERY_MS} ms`)

  const script = path.join(here, '_soak.lua')
  const load = { threads: THREADS, connections: CONNECTIONS, headers: { 'User-Agent': BROWSER } }
  await wrk(`${base}/`, { ...load, seconds: WARMUP_SECONDS, script, scriptArgs: paths })
  const bare = await wrk(`${base}/__bench/bare`, { ...load, seconds: BARE_SECONDS })
  out(`bare route: ${bare.rps.toFixed(0)} req/s, p50 ${bare.p50Ms.toFixed(2)} ms, p99 ${bare.p99Ms.toFixed(2)} ms`)

  // Memory, sampled from outside, all through the soak.
  const rss: number[] = []
  let sampling = true
  const sampler = (async () => {
    while (sampling) {
      rss.push(rssMb(pid))
      await sleep(RSS_EVERY_MS)
    }
  })()

  // The server's own view now and then: heap, longest event-loop stall, GC pauses.
  type Stats = { rssMb: number; heapUsedMb: number; externalMb: number; arrayBuffersMb: number; loopMaxMs: number; gc: { count: number; totalMs: number; maxMs: number }; cache: { entries: number; invalidations: number } }
  const stats = async () => (await (await fetch(`${base}/__bench/stats?reset=1`)).json()) as Stats
  await stats()
  let worstStall = 0
  let worstGc = 0
  const t0 = Date.now()
  let timeline = true
  const timelineLoop = (async () => {
    while (timeline) {
      await sleep(TIMELINE_EVERY_MS)
      if (!timeline) break
      const s = await stats()
      worstStall = Math.max(worstStall, s.loopMaxMs)
      worstGc = Math.max(worstGc, s.gc.maxMs)
      out(
        `  t=${Math.round((Date.now() - t0) / 1000)}s rss ${s.rssMb} MB heap ${s.heapUsedMb} MB external ${s.externalMb} MB (buffers ${s.arrayBuffersMb}) ` +
          `stall max ${s.loopMaxMs.toFixed(0)} ms gc ${s.gc.count}× max ${s.gc.maxMs.toFixed(0)} ms cache ${s.cache.entries} entries, ${s.cache.invalidations} invalidations`,
      )
    }
  })()

  // The editor: one save a second, bounded by the soak's length, each timed.
  const saveMs: number[] = []
  let saveFailures = 0
  let saving = true
  const targets = [
    { collection: 'issues', id: info.issue.id },
    { collection: 'events', id: info.event },
    { collection: 'policies', id: info.policy },
  ]
  const editor = (async () => {
    const original = new Map<string, string>()
    for (const t of targets) {
      const r = await fetch(`${base}/api/${t.collection}/${t.id}?depth=0`, { headers: { Authorization: `JWT ${token}` } })
      original.set(t.collection, ((await r.json()) as { summary?: string }).summary ?? '')
    }
    for (let n = 0; SAVE_EVERY_MS > 0 && saving && n < SOAK_SECONDS * 2; n++) {
      const t = targets[n % targets.length]
      const start = performance.now()
      try {
        const r = await fetch(`${base}/api/${t.collection}/${t.id}?depth=0`, {
          method: 'PATCH',
          headers: { Authorization: `JWT ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ summary: `${original.get(t.collection)}（${n}）` }),
          signal: AbortSignal.timeout(30_000),
        })
        const body = await r.text()
        if (r.status !== 200) {
          saveFailures++
          if (saveFailures <= 3) out(`  save ${t.collection}/${t.id} answered ${r.status}: ${body.slice(0, 300)}`)
        }
      } catch (err) {
        saveFailures++
        if (saveFailures <= 3) out(`  save ${t.collection}/${t.id} failed: ${String(err)}`)
      }
      const ms = performance.now() - start
      saveMs.push(ms)
      await sleep(Math.max(0, SAVE_EVERY_MS - ms))
    }
  })()

  const mixed: WrkResult = await wrk(`${base}/`, { ...load, seconds: SOAK_SECONDS, script, scriptArgs: paths })
  saving = false
  timeline = false
  sampling = false
  await Promise.all([editor, sampler, timelineLoop])

  const soakLine = /SOAK over_1s=(\d+) timeouts=(\d+) max_us=(\d+)/.exec(mixed.raw)
  if (!soakLine) throw new Error(`the wrk script did not report:\n${mixed.raw}`)
  const over1s = Number(soakLine[1])
  const timeouts = Number(soakLine[2])
  const maxMs = Number(soakLine[3]) / 1000
  const valid = rss.filter(Number.isFinite)
  const rssPeak = Math.max(...valid)
  const rssMin = Math.min(...valid)
  out(`mixed: ${mixed.rps.toFixed(0)} req/s, p50 ${mixed.p50Ms.toFixed(2)} ms, p99 ${mixed.p99Ms.toFixed(2)} ms (bare route p99 ${bare.p99Ms.toFixed(2)} ms), max ${maxMs.toFixed(0)} ms`)
  out(`requests over 1 s: ${over1s} (of which socket timeouts ${timeouts}); RSS ${rssMin.toFixed(0)}–${rssPeak.toFixed(0)} MB over ${valid.length} samples`)
  out(`editor saves: ${saveMs.length}, p50 ${percentile(saveMs, 50).toFixed(0)} ms, p99 ${percentile(saveMs, 99).toFixed(0)} ms, max ${Math.max(...saveMs).toFixed(0)} ms, failed ${saveFailures}`)

  const result = {
    bench: 'soak',
    seconds: SOAK_SECONDS,
    mixed_rps: Math.round(mixed.rps),
    mixed_requests: mixed.requests,
    mixed_p50_ms: round2(mixed.p50Ms),
    mixed_p99_ms: round2(mixed.p99Ms),
    mixed_max_ms: round2(maxMs),
    bare_rps: Math.round(bare.rps),
    bare_p99_ms: round2(bare.p99Ms),
    requests_over_1s: over1s,
    socket_timeouts: timeouts,
    target_max_requests_over_1s: TARGET_MAX_REQUESTS_OVER_1S,
    rss_peak_mb: Math.round(rssPeak),
    rss_min_mb: Math.round(rssMin),
    target_max_rss_peak_mb: TARGET_MAX_RSS_PEAK_MB,
    loop_stall_max_ms: round2(worstStall),
    gc_pause_max_ms: round2(worstGc),
    saves: saveMs.length,
    save_p50_ms: Math.round(percentile(saveMs, 50)),
    save_p99_ms: Math.round(percentile(saveMs, 99)),
    save_max_ms: Math.round(Math.max(...saveMs)),
    save_failures: saveFailures,
    errors: mixed.non2xx + mixed.socketErrors + bare.non2xx + bare.socketErrors,
    threads: THREADS,
    connections: CONNECTIONS,
    quick,
  }
  const missed: string[] = []
  if (over1s > TARGET_MAX_REQUESTS_OVER_1S) missed.push(`requests_over_1s ${over1s} > ${TARGET_MAX_REQUESTS_OVER_1S}`)
  if (rssPeak > TARGET_MAX_RSS_PEAK_MB) missed.push(`rss_peak_mb ${Math.round(rssPeak)} > ${TARGET_MAX_RSS_PEAK_MB}`)
  if (result.errors) missed.push(`${result.errors} non-2xx responses or socket errors`)
  if (saveFailures) missed.push(`${saveFailures} editor saves failed`)
  out(missed.length ? `MISSED: ${missed.join('; ')}` : 'all targets met')
  out(JSON.stringify(result))
  exitCode = missed.length ? 1 : 0
} catch (err) {
  process.stderr.write(`soak benchmark failed: ${err instanceof Error ? err.stack : String(err)}\n`)
  try {
    process.stderr.write(`server log (last lines):\n${fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n')}\n`)
  } catch {
    // no log
  }
  exitCode = 1
} finally {
  if (server && server.exitCode === null) {
    const gone = new Promise((r) => server!.once('exit', r))
    server.kill('SIGTERM')
    await Promise.race([gone, sleep(10_000)])
    if (server.exitCode === null) server.kill('SIGKILL')
  }
  if (process.env.SOAK_KEEP) out(`kept ${dir}`)
  else fs.rmSync(dir, { recursive: true, force: true })
}
process.exit(exitCode)
