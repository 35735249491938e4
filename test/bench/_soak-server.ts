/**
 * The server the soak benchmark loads, in a process of its own so that its
 * memory (VmRSS) is the server's alone. It starts as src/server/main.ts does
 * (Payload, migrations, the demo street, the scheduler, createApp), minus
 * Next's page renderer, which needs a 2–3 minute admin build and serves no
 * resident page: /api/* goes to Payload's own REST route handlers (the ones
 * src/app/(payload)/api mounts, as test/support/http.ts calls them), so the
 * editor's saves take the same handlers, access and hooks as in production.
 *
 * Adds two bench-only routes: /__bench/bare (a static copy of the issue
 * page, the floor to compare against) and /__bench/stats (heap, event-loop
 * stalls, cache). Prints one line of JSON (port, paths) when listening; the
 * environment comes from the parent (test/bench/soak.ts).
 */
import { writeFileSync } from 'node:fs'
import type { Server } from 'node:http'
import { Session } from 'node:inspector'
import type { AddressInfo } from 'node:net'
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks'

import { REST_DELETE, REST_GET, REST_PATCH, REST_POST } from '@payloadcms/next/routes'
import type { Request as ExpressRequest, Response as ExpressResponse, NextFunction } from 'express'

import { startScheduler } from '../../src/jobs/scheduler'
import config from '../../src/payload.config'
import { seedDemo } from '../../src/seed/demo'
import { createApp, listen } from '../../src/server/app'
import { initPayload } from '../../src/server/payload'
import { siteCacheStats } from '../../src/site/cache'

const payload = await initPayload()
await seedDemo(payload)
const scheduler = startScheduler(payload)

const rest: Record<string, (req: Request, ctx: { params: Promise<{ slug: string[] }> }) => Promise<Response>> = {
  GET: REST_GET(config),
  POST: REST_POST(config),
  PATCH: REST_PATCH(config),
  DELETE: REST_DELETE(config),
}

/** Express request → web Request → Payload's REST handler → Express response. */
async function api(req: ExpressRequest, res: ExpressResponse, next: NextFunction) {
  const handler = rest[req.method]
  if (!req.path.startsWith('/api/') || !handler) return next()
  try {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const headers = new Headers()
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v)
    const url = new URL(req.originalUrl, `http://${req.headers.host}`)
    const body = chunks.length ? Buffer.concat(chunks) : undefined
    const slug = url.pathname.replace(/^\/api\//, '').split('/').map(decodeURIComponent)
    const answer = await handler(new Request(url, { method: req.method, headers, body }), { params: Promise.resolve({ slug }) })
    res.status(answer.status)
    answer.headers.forEach((v, k) => res.setHeader(k, v))
    res.end(Buffer.from(await answer.arrayBuffer()))
  } catch (err) {
    next(err)
  }
}

const app = createApp(payload, (req, res) => api(req, res, () => res.status(404).end()))
// The bench routes go where page.ts's bare route is: after the site's routes, before the API and error handler.
const stack = (app as unknown as { router: { stack: unknown[] } }).router.stack
const before = stack.length

let bare = Buffer.alloc(0)
app.get('/__bench/bare', (_req, res) => {
  res.setHeader('Content-Type', 'text/html; charset=utf-8')
  res.end(bare)
})

const loop = monitorEventLoopDelay({ resolution: 5 })
loop.enable()
const gc = { count: 0, totalMs: 0, maxMs: 0 }
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gc.count++
    gc.totalMs += e.duration
    gc.maxMs = Math.max(gc.maxMs, e.duration)
  }
}).observe({ entryTypes: ['gc'] })

app.get('/__bench/stats', (req, res) => {
  const m = process.memoryUsage()
  const mb = (n: number) => Math.round(n / 1048576)
  res.json({
    rssMb: mb(m.rss),
    heapUsedMb: mb(m.heapUsed),
    heapTotalMb: mb(m.heapTotal),
    externalMb: mb(m.external),
    arrayBuffersMb: mb(m.arrayBuffers),
    loopMaxMs: loop.max / 1e6,
    loopP99Ms: loop.percentile(99) / 1e6,
    gc: { ...gc },
    cache: siteCacheStats(),
  })
  if (req.query.reset) {
    loop.reset()
    Object.assign(gc, { count: 0, totalMs: 0, maxMs: 0 })
  }
})

app.post('/__bench/bare', async (req, res) => {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  bare = Buffer.concat(chunks)
  res.status(204).end()
})

// Before the Next chain (staff headers, body limit, language, client address, handler) and the error handler.
const nextChain = (stack as { handle?: { name?: string } }[]).findIndex((layer) => layer.handle?.name === 'staffResponseHeaders')
if (nextChain < 0) throw new Error('the Next chain was not found in the app')
stack.splice(nextChain, 0, ...stack.splice(before))

const server = await listen(payload, app, 0, '127.0.0.1')

const { docs: issues } = await payload.find({ collection: 'issues', where: { _status: { equals: 'published' } }, sort: '-number', limit: 1, overrideAccess: true })
const { docs: grids } = await payload.find({ collection: 'grids', limit: 1, sort: 'code', overrideAccess: true })
const { docs: events } = await payload.find({ collection: 'events', where: { _status: { equals: 'published' } }, limit: 1, overrideAccess: true })
const { docs: policies } = await payload.find({ collection: 'policies', where: { _status: { equals: 'published' } }, limit: 1, overrideAccess: true })
const issue = issues[0] as unknown as { id: number; number: number; title: string }
const grid = grids[0] as unknown as { code: string }
process.stdout.write(
  `${JSON.stringify({
    port: (server.address() as AddressInfo).port,
    issue: { id: issue.id, number: issue.number, title: issue.title },
    grid: grid.code,
    event: (events[0] as unknown as { id: number }).id,
    policy: (policies[0] as unknown as { id: number }).id,
  })}\n`,
)

// SOAK_ALLOC_PROFILE=FILE: sample every allocation, collected ones included, and write the profile at stop (diagnosis).
const allocProfile = process.env.SOAK_ALLOC_PROFILE
const inspector = allocProfile ? new Session() : null
if (inspector) {
  inspector.connect()
  inspector.post('HeapProfiler.startSampling', { samplingInterval: 32768, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true })
}

const stop = () => {
  if (inspector && allocProfile) {
    inspector.post('HeapProfiler.stopSampling', (err, result) => {
      if (!err) writeFileSync(allocProfile, JSON.stringify((result as { profile: unknown }).profile))
    })
  }
  scheduler.stop()
  server.closeAllConnections()
  server.close(() => void payload.destroy?.().finally(() => process.exit(0)))
  setTimeout(() => process.exit(0), 5000).unref()
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
