import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { DeliveryDoc } from '../../src/collections/Deliveries'
import type { SmtpTestServer } from '../support/smtp-server'
import { closeStreetForWorkers, deliveriesOf, deliveryById, killAtRandom, perRecipient as countPerRecipient, publishIssue, notOnItsOwn, startCrashWorker, streetForWorkers } from './support'

/**
 * Crash test: one email delivery to many subscribers, its worker process
 * killed with SIGKILL at random moments and started again each time. Every
 * subscriber must receive the message, and the duplicates must stay within
 * the in-flight bound (DELIVERY_CONCURRENCY per crash), as the delivery
 * itself reports.
 *
 * The issue's size by default: 5,000 × 10 on SQLite, 5,000 × 3 on the
 * MongoDB-wire leg (about two and a half minutes there on 2 cores);
 * CRASH_SUBSCRIBERS and CRASH_KILLS change it for a quicker local run.
 */
const mongoLeg = process.env.TEST_DB === 'mongo'
const SUBSCRIBERS = Number(process.env.CRASH_SUBSCRIBERS || 5000)
const KILLS = Number(process.env.CRASH_KILLS || (mongoLeg ? 3 : 10))
const CONCURRENCY = 8
const LEASE_SECONDS = 2

let payload: Payload
let smtp: SmtpTestServer

/** A worker for this delivery, with the test's concurrency and lease. */
const crashWorker = (deliveryId: string) => startCrashWorker(deliveryId, { concurrency: CONCURRENCY, leaseSeconds: LEASE_SECONDS })

beforeAll(async () => {
  ;({ payload, smtp } = await streetForWorkers(SUBSCRIBERS))
}, 600_000)

afterAll(() => closeStreetForWorkers({ payload, smtp }))

describe('crash safety', () => {
  it(`a delivery to ${SUBSCRIBERS} subscribers survives ${KILLS} SIGKILLs of its worker: everyone receives it, duplicates within the in-flight bound`, async () => {
    const issue = await publishIssue(payload, '崩溃测试')
    const delivery = (await deliveriesOf(payload, 'issues', issue.id)).find((d) => d.channel === 'email') as DeliveryDoc
    const id = String(delivery.id)
    // Killed at random moments once each worker has made some progress.
    const kills = await killAtRandom({
      kills: KILLS,
      total: SUBSCRIBERS,
      start: () => crashWorker(id),
      sent: () => smtp.accepted(),
      reached: (n) => smtp.waitFor(n, 300_000),
    })
    const last = await crashWorker(id)
    expect(notOnItsOwn(await last.exited).code).toBe(0)

    const d = await deliveryById(payload, delivery.id)
    const { counts: perRecipient, duplicates } = countPerRecipient(smtp.messages)
    const counts = {
      leg: mongoLeg ? 'mongo' : 'sqlite',
      subscribers: SUBSCRIBERS,
      kills,
      messages: smtp.messages.length,
      recipients: perRecipient.size,
      duplicates,
      inFlightLimit: d.inFlightLimit,
      resumes: d.resumes,
      reportedMaxDuplicates: d.maxDuplicates,
      status: d.status,
    }
    process.stdout.write(`CRASH ${JSON.stringify(counts)}\n`)
    // The crashes really happened, and the delivery was taken over after them.
    expect(kills).toBeGreaterThanOrEqual(1)
    expect(d.resumes).toBeGreaterThanOrEqual(1)
    expect(d.status).toBe('done')
    expect(perRecipient.size).toBe(SUBSCRIBERS)
    expect(d.submitted).toBe(SUBSCRIBERS)
    expect(d.inFlightLimit).toBe(CONCURRENCY)
    expect(duplicates).toBeLessThanOrEqual(kills * CONCURRENCY)
    expect(duplicates).toBeLessThanOrEqual(d.maxDuplicates ?? 0)
    expect(d.resumes).toBeLessThanOrEqual(kills)
  }, 1_200_000)
})
