import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { DeliveryDoc } from '../../src/collections/Deliveries'
import { leaseScope } from '../../src/store/leases'
import type { SmtpTestServer } from '../support/smtp-server'
import { closeStreetForWorkers, deliveriesOf, deliveryById, perRecipient, publishIssue, startReadyWorker, streetForWorkers, until } from './support'

/**
 * A planned stop: the worker process (the server's own main(), PROCESS_ROLE=worker)
 * gets SIGTERM in the middle of an email delivery, several times, and is
 * started again each time. Each stop lets the sends in flight be answered and
 * recorded, writes the counters, releases the lease and puts the delivery back
 * in the queue; the process then ends by itself with code 0. Afterwards every
 * subscriber has the message exactly once (no duplicate at the SMTP server),
 * and none of the stops counts as a crash (no resumption, no duplicate bound).
 *
 * STOP_SUBSCRIBERS and STOP_TERMS change its size.
 */
const mongoLeg = process.env.TEST_DB === 'mongo'
const SUBSCRIBERS = Number(process.env.STOP_SUBSCRIBERS || 3000)
const TERMS = Number(process.env.STOP_TERMS || 3)
const CONCURRENCY = 8

let payload: Payload
let smtp: SmtpTestServer

/** The real process in the worker role; its scheduler ticks every second (nothing nudges it from here). */
const startMainWorker = () =>
  startReadyWorker({
    WORKER_MODE: 'main',
    PROCESS_ROLE: 'worker',
    JOB_TICK_CRON: '* * * * * *',
    DELIVERY_CONCURRENCY: String(CONCURRENCY),
    DELIVERY_BATCH_SIZE: '100',
  })

const receiptsOf = async (id: string | number) =>
  (await payload.db.count({ collection: 'delivery-receipts', where: { delivery: { equals: String(id) } } })).totalDocs

beforeAll(async () => {
  ;({ payload, smtp } = await streetForWorkers(SUBSCRIBERS))
}, 600_000)

afterAll(() => closeStreetForWorkers({ payload, smtp }))

describe('a planned stop (SIGTERM)', () => {
  it(`a delivery to ${SUBSCRIBERS} subscribers whose worker is stopped ${TERMS} times: every subscriber exactly once, no stop counted as a crash`, async () => {
    const issue = await publishIssue(payload, '停止测试')
    const delivery = (await deliveriesOf(payload, 'issues', issue.id)).find((d) => d.channel === 'email') as DeliveryDoc
    const id = String(delivery.id)
    let terms = 0
    const step = Math.max(1, Math.floor(SUBSCRIBERS / (TERMS + 2)))
    let w = await startMainWorker()
    while (terms < TERMS) {
      // Stop it at a random moment once it has made some progress (too near the end: it is the last one).
      const target = smtp.accepted() + 1 + Math.floor(Math.random() * step)
      if (target >= SUBSCRIBERS) break
      const ended = await Promise.race([smtp.waitFor(target, 300_000).then(() => null), w.exited])
      if (ended) throw new Error(`worker exited (${ended.code}, ${ended.signal}) before it was stopped: ${ended.stderr}`)
      w.child.kill('SIGTERM')
      const exit = await w.exited
      // It ended by itself, through its stop, not by the signal.
      expect(exit.signal, exit.stderr).toBeNull()
      expect(exit.code, exit.stderr).toBe(0)
      terms++

      const d = await deliveryById(payload, delivery.id)
      // Back in the queue, as planned: not `running` (which the next claim would count as a crash).
      expect(d.status).toBe('queued')
      expect(d.resumes ?? 0).toBe(0)
      expect(d.maxDuplicates ?? 0).toBe(0)
      // Every message the SMTP server accepted has its receipt, and the counters say so.
      const receipts = await receiptsOf(delivery.id)
      expect(receipts).toBe(smtp.accepted())
      expect(d.submitted).toBe(receipts)
      // The lease was released, so the next start takes the delivery at once.
      const { docs } = await payload.db.find({ collection: 'claims', where: { scope: { equals: leaseScope('deliveries', delivery.id) } }, sort: '-slot', limit: 1, pagination: false })
      const lease = docs[0] as { releasedAt?: string | null } | undefined
      expect(lease?.releasedAt).toBeTruthy()
      w = await startMainWorker()
    }

    // The last one runs the delivery to its end, then is stopped as well.
    const last = w
    const finished = async () => {
      if (last.child.exitCode !== null || last.child.signalCode !== null) throw new Error(`the last worker ended on its own: ${(await last.exited).stderr}`)
      return ['done', 'partial', 'failed'].includes((await deliveryById(payload, delivery.id)).status)
    }
    await until('the delivery to finish', finished, 600_000, 200)
    last.child.kill('SIGTERM')
    expect((await last.exited).code).toBe(0)

    const d = await deliveryById(payload, delivery.id)
    const { counts, duplicates } = perRecipient(smtp.messages)
    process.stdout.write(
      `STOP ${JSON.stringify({ leg: mongoLeg ? 'mongo' : 'sqlite', subscribers: SUBSCRIBERS, terms, messages: smtp.messages.length, recipients: counts.size, duplicates, resumes: d.resumes, maxDuplicates: d.maxDuplicates, status: d.status })}\n`,
    )
    expect(terms).toBeGreaterThanOrEqual(1)
    expect(d.status).toBe('done')
    expect(counts.size).toBe(SUBSCRIBERS)
    expect(duplicates).toBe(0)
    expect(smtp.messages).toHaveLength(SUBSCRIBERS)
    expect(d.submitted).toBe(SUBSCRIBERS)
    expect(d.resumes ?? 0).toBe(0)
    expect(d.maxDuplicates ?? 0).toBe(0)
  }, 1_200_000)
})
