import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'

import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// The probe task must be known before the config is built: nothing above may import it.
import { addTasks } from '../../src/jobs/config'
import { PROBE_TASK, probeTask, readProbeLog, type ProbeLine } from './probeTask'

addTasks(probeTask)

/**
 * Separate worker processes (tsx, test/workers/worker.ts) on one database run
 * 200 jobs; one worker is killed with SIGKILL in the middle of a job. Every
 * job must be done exactly once, the killed worker's job taken over after its
 * lease. On the MongoDB-wire leg two workers run side by side; on SQLite (one
 * writer process by design) the single worker is killed and started again.
 *
 * "Done" is a line in a log file shared by the processes, written by the job
 * itself, so a duplicate run shows whatever the database says.
 */
const ITEMS = 200
const LEASE_SECONDS = 3
/** Runners inside each worker process: with several, claims meet often, as they would among many processes. */
const LOOPS = 3
const mongoLeg = process.env.TEST_DB === 'mongo'

type WorkerEvent = { pid: number; event: 'ready' | 'done'; ran?: number; tookOver?: number; left?: number }
type Worker = { child: ChildProcess; events: WorkerEvent[]; exited: Promise<number | null>; output: string[] }

let payload: Payload
let log: string
const workers: Worker[] = []
const item = (i: number) => `w${String(i).padStart(3, '0')}`
// Every tenth job takes long enough for the test to see it started and kill its worker in it.
const slow = (i: number) => i % 10 === 5

function spawnWorker(): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/workers/worker.ts'], {
    env: { ...process.env, JOB_LEASE_SECONDS: String(LEASE_SECONDS), WORKER_LOOPS: String(LOOPS), WORKER_WAIT_FOR_GO: '1', LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const worker: Worker = {
    child,
    events: [],
    output: [],
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  }
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith('WORKER ')) worker.events.push(JSON.parse(line.slice(7)))
    else worker.output.push(line)
  })
  readline.createInterface({ input: child.stderr! }).on('line', (line) => worker.output.push(line))
  workers.push(worker)
  return worker
}

/** A worker that has reported ready; one that ended first fails the test with what it wrote. */
async function startWorker(): Promise<Worker> {
  const worker = spawnWorker()
  const ready = await until(() => `worker ${worker.child.pid} to be ready; it ${describeWorker(worker)}`, 60_000, () =>
    worker.events.some((e) => e.event === 'ready') ? 'ready' : worker.child.exitCode !== null ? 'exited' : undefined,
  )
  if (ready !== 'ready') throw new Error(`worker did not start: it ${describeWorker(worker)}`)
  return worker
}

/** Wait for a condition, polling; fail with `what` after `ms`. */
async function until<T>(what: () => string, ms: number, probe: () => T | undefined | false): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const value = probe()
    if (value) return value
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what()}`)
    await new Promise((r) => setTimeout(r, 15))
  }
}

/** Let workers that reported ready begin, together. */
const go = (...ws: Worker[]) => ws.forEach((w) => w.child.stdin!.write('go\n'))

/**
 * Kill `worker` with SIGKILL while it is inside a slow job, after it has done a
 * few (and `beside`, if any, has done one: both at work at once); returns that job's item.
 */
async function killInsideSlowJob(worker: Worker, beside?: Worker): Promise<string> {
  const pid = worker.child.pid!
  const inFlight = await until(() => `the worker to start a slow job; it ${describeWorker(worker)}`, 90_000, () => {
    const lines = readProbeLog(log)
    const mine = lines.filter((l) => l.pid === pid)
    const done = new Set(mine.filter((l) => l.kind === 'done').map((l) => l.item))
    if (done.size < 3) return undefined
    if (beside && !lines.some((l) => l.kind === 'done' && l.pid === beside.child.pid)) return undefined
    return mine.find((l) => l.kind === 'start' && slow(Number(l.item.slice(1))) && !done.has(l.item))?.item
  })
  worker.child.kill('SIGKILL')
  await worker.exited
  return inFlight
}

const finished = (w: Worker) => w.events.find((e) => e.event === 'done')

/** For a failure message: what the worker did and said. */
function describeWorker(w: Worker) {
  const pid = w.child.pid
  const lines = readProbeLog(log).filter((l) => l.pid === pid)
  const state = w.child.exitCode !== null || w.child.signalCode !== null ? `exited (${w.child.exitCode ?? w.child.signalCode})` : 'is running'
  return `${state}, wrote ${lines.length} probe lines; its output ends with:\n${w.output.slice(-15).join('\n')}`
}

beforeAll(async () => {
  const { testPayload } = await import('../support/payload')
  payload = await testPayload()
  log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'exactly-once-')), 'probe.log')
  for (let i = 0; i < ITEMS; i++) {
    await payload.jobs.queue({ task: PROBE_TASK, input: { item: item(i), log, ms: slow(i) ? 800 : 5 } } as never)
  }
})

afterAll(async () => {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL')
})

describe(`exactly once, with a worker killed mid-job (${mongoLeg ? 'two workers' : 'one worker, restarted'})`, () => {
  it('runs each of 200 jobs exactly once and takes over the killed worker\'s job after its lease', async () => {
    const [killed, beside] = await Promise.all([startWorker(), mongoLeg ? startWorker() : undefined])
    go(killed, ...(beside ? [beside] : []))
    const killedItem = await killInsideSlowJob(killed, beside)
    const linesAtKill = readProbeLog(log).length
    const survivor = beside ?? (await startWorker())
    if (!beside) go(survivor)

    await until(() => `the surviving worker to finish; it ${describeWorker(survivor)}`, 180_000, () => finished(survivor) || survivor.child.exitCode !== null)
    const summary = finished(survivor)
    expect(summary, survivor.output.slice(-20).join('\n')).toBeTruthy()
    expect(await survivor.exited).toBe(0)

    // Every job finished: deleted on completion, or (its runner killed between the two) marked complete.
    const left = await payload.db.find({ collection: 'payload-jobs', limit: 0, pagination: false })
    const unfinished = left.docs.filter((j) => !(j as { completedAt?: string }).completedAt || (j as { hasError?: boolean }).hasError)
    expect(JSON.stringify(unfinished.map((j) => ({ ...j, log: undefined })))).toBe('[]')
    expect(summary!.left).toBe(0)
    // No lease left behind either, but those the killed worker held in its last moments
    // (on a job it completed, or one another runner was finishing; pruned after a day).
    const leases = await payload.db.find({ collection: 'claims', where: { scope: { like: 'lease:payload-jobs:' } }, limit: 0, pagination: false })
    const killedOwner = new RegExp(`:${killed.child.pid}:`)
    expect(leases.docs.filter((l) => !killedOwner.test(String((l as { owner?: string }).owner)))).toEqual([])
    expect(leases.docs.length).toBeLessThanOrEqual(LOOPS)

    // Done exactly once, every one of them.
    const lines = readProbeLog(log)
    const all = Array.from({ length: ITEMS }, (_, i) => item(i))
    const of = (kind: ProbeLine['kind']) => lines.filter((l) => l.kind === kind)
    expect(of('done').map((l) => l.item).sort()).toEqual(all)

    // Started once each, but for the jobs the killed worker was in when it died (the slow
    // one it was killed inside among them): each started again once, by the survivor.
    const killedPid = killed.child.pid!
    const survivorPid = survivor.child.pid!
    const startsOf = (it: string) => of('start').filter((l) => l.item === it).map((l) => l.pid)
    const again = all.filter((it) => startsOf(it).length > 1)
    expect(again).toContain(killedItem)
    expect(again.length).toBeLessThanOrEqual(LOOPS)
    for (const it of again) expect(startsOf(it)).toEqual([killedPid, survivorPid])
    for (const it of all.filter((it) => !again.includes(it))) expect(startsOf(it)).toHaveLength(1)
    expect(of('done').find((l) => l.item === killedItem)?.pid).toBe(survivorPid)
    // Taken over: those, and any the worker had claimed but not yet started.
    expect(summary!.tookOver).toBeGreaterThanOrEqual(again.length)
    expect(summary!.tookOver).toBeLessThanOrEqual(LOOPS)

    // Both did part of the work; on MongoDB both at the same time, before the kill.
    const before = lines.slice(0, linesAtKill)
    expect(before.filter((l) => l.kind === 'done' && l.pid === killedPid).length).toBeGreaterThanOrEqual(2)
    if (mongoLeg) expect(before.filter((l) => l.kind === 'done' && l.pid === survivorPid).length).toBeGreaterThan(0)
    expect(summary!.ran).toBeGreaterThan(0)
  }, 300_000)
})
