/**
 * A delivery worker process for the crash and stop tests (test/delivery/crash.test.ts,
 * stop.test.ts). Reports on stdout as lines "WORKER {json}".
 * - By default: runs due deliveries under leases, as a PROCESS_ROLE=worker
 *   process's scheduler does, until the delivery named by CRASH_DELIVERY_ID is
 *   finished. The crash test kills it with SIGKILL.
 * - WORKER_MODE=main: the server's own main() (give it PROCESS_ROLE=worker):
 *   its scheduler and its SIGTERM handler, which ends the process. The stop
 *   test sends it SIGTERM.
 * - WORKER_MODE=fallback: plans the channel fallback once, at FALLBACK_AT, and reports how many
 *   deliveries it created (test/delivery/fallback.test.ts runs two at once).
 */
import fs from 'node:fs'

const emit = (event: Record<string, unknown>) => process.stdout.write(`WORKER ${JSON.stringify({ pid: process.pid, ...event })}\n`)

// What the process was doing, written synchronously on exit: a failure while loading (exit code 13
// is a top-level await that never settled, see scripts/node-options.mjs) says where it stopped.
let phase = 'importing'
process.on('exit', (code) => {
  if (code !== 0) fs.writeSync(2, `worker ${process.pid} exit ${code} during: ${phase}\n`)
})

if (process.env.WORKER_MODE === 'main') {
  const { main } = await import('../../src/server/main')
  phase = 'main'
  await main()
  phase = 'running (main)'
  emit({ event: 'ready' })
} else if (process.env.WORKER_MODE === 'fallback') {
  // Plan the channel fallback once at FALLBACK_AT (ms since the epoch), so that two workers plan at the same moment.
  const { initPayload } = await import('../../src/server/payload')
  const { planFallbacks } = await import('../../src/delivery/fallback')
  phase = 'initPayload'
  const payload = await initPayload()
  emit({ event: 'ready' })
  phase = 'waiting for the moment'
  await new Promise((r) => setTimeout(r, Math.max(0, Number(process.env.FALLBACK_AT) - Date.now())))
  phase = 'planFallbacks'
  const run = await planFallbacks(payload)
  emit({ event: 'done', created: run.created })
  await payload.destroy()
  process.exit(0)
} else {
  const { initPayload } = await import('../../src/server/payload')
  const { runDueDeliveries } = await import('../../src/delivery/pipeline')
  phase = 'initPayload'
  const payload = await initPayload()
  emit({ event: 'ready' })

  const id = process.env.CRASH_DELIVERY_ID!
  const deadline = Date.now() + Number(process.env.WORKER_MAX_MS || 600_000)
  let state = ''
  while (Date.now() < deadline) {
    phase = 'runDueDeliveries'
    await runDueDeliveries(payload, { limit: 1 })
    phase = 'reading the delivery'
    const d = await payload.db.findOne<{ id: string | number; status: string }>({ collection: 'deliveries', where: { id: { equals: payload.db.name === 'mongoose' ? id : Number(id) } } })
    state = d?.status ?? 'missing'
    if (['done', 'partial', 'failed', 'cancelled', 'paused'].includes(state)) break
    // The lease of a killed predecessor runs out before this worker can take the delivery over.
    phase = 'waiting'
    await new Promise((r) => setTimeout(r, 200))
  }
  emit({ event: 'done', status: state })
  await payload.destroy()
  process.exit(0)
}
