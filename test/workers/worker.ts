/**
 * A worker process for the exactly-once tests (test/workers/exactly-once.test.ts):
 * runs the default queue under leases, as a PROCESS_ROLE=worker process's
 * scheduler does, until no job is left unfinished. Reports on stdout as lines
 * "WORKER {json}": ready, then done with its totals.
 */
import { once } from 'node:events'

import { addTasks } from '../../src/jobs/config'
import { probeTask } from './probeTask'

// Before the config is built: the task must be in it.
addTasks(probeTask)

const emit = (event: Record<string, unknown>) => process.stdout.write(`WORKER ${JSON.stringify({ pid: process.pid, ...event })}\n`)

const { initPayload } = await import('../../src/server/payload')
const { runQueue } = await import('../../src/jobs/runner')
const payload = await initPayload()
emit({ event: 'ready' })
// With WORKER_WAIT_FOR_GO, start only on a line on stdin: workers started together begin together,
// however long each took to load.
if (process.env.WORKER_WAIT_FOR_GO) {
  process.stdin.setEncoding('utf8')
  await once(process.stdin, 'data')
}

const deadline = Date.now() + Number(process.env.WORKER_MAX_MS || 150_000)
const total = { ran: 0, tookOver: 0 }
let left = -1
// Several runners in this process, as several processes would: more claims meet.
const loops = Number(process.env.WORKER_LOOPS || 1)
const loop = async () => {
  while (Date.now() < deadline) {
    const r = await runQueue(payload, 'default', { limit: 1000 })
    total.ran += r.ran
    total.tookOver += r.tookOver
    // None unfinished means everything ran, ours or another's. (A completed job is deleted,
    // unless its runner died between completing and deleting it.)
    left = (
      await payload.count({
        collection: 'payload-jobs',
        where: { and: [{ completedAt: { exists: false } }, { hasError: { not_equals: true } }] },
        overrideAccess: true,
      })
    ).totalDocs
    if (left === 0) return
    await new Promise((r) => setTimeout(r, 100))
  }
}
await Promise.all(Array.from({ length: loops }, loop))
emit({ event: 'done', ...total, left })
await payload.destroy()
process.exit(0)
