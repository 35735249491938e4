import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { smallStreet } from '../support/fixtures'
import { testPayload } from '../support/payload'
import type { SmsProvider } from '../support/sms-provider'
import { deliveriesOf, deliveryById, killAtRandom, publishIssue, notOnItsOwn, smsResident, startCrashWorker, startSmsStreet, workerProcesses } from './support'

/**
 * Crash test of SMS deliveries, as test/delivery/crash.test.ts for email: one
 * notice to many residents by SMS (100 numbers a call), its worker process
 * killed with SIGKILL at random moments and started again each time, against
 * the provider's stand-in in this process. Every resident must get the
 * message, and the duplicates must stay within calls in flight × numbers a
 * call per crash, as the delivery itself reports.
 * CRASH_SMS_RESIDENTS and CRASH_SMS_KILLS change the size.
 */
const mongoLeg = process.env.TEST_DB === 'mongo'
const RESIDENTS = Number(process.env.CRASH_SMS_RESIDENTS || 1000)
const KILLS = Number(process.env.CRASH_SMS_KILLS || (mongoLeg ? 2 : 3))
const CONCURRENCY = 2
const PER_CALL = 100
const LEASE_SECONDS = 2
const NOTICE = 'SMS_100000001'

let payload: Payload
let provider: SmsProvider

/** A worker for this delivery, with the test's concurrency and lease. */
const crashWorker = (deliveryId: string) => startCrashWorker(deliveryId, { concurrency: CONCURRENCY, leaseSeconds: LEASE_SECONDS })

/** Resolves once the stand-in accepted `n` messages; never before. */
async function accepted(n: number, timeoutMs = 300_000) {
  const end = Date.now() + timeoutMs
  while (provider.accepted.length < n) {
    if (Date.now() > end) throw new Error(`only ${provider.accepted.length} of ${n} messages accepted`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

beforeAll(async () => {
  payload = await testPayload()
  const street = await smallStreet(payload)
  // No quiet hours (the test runs at any hour; test/delivery/sms.test.ts tests them).
  await payload.updateGlobal({ slug: 'site-settings', data: { smsQuietHours: { start: 0, end: 0 } } as never, overrideAccess: true })
  // Calls that take a while, so a kill finds calls in flight.
  provider = await startSmsStreet({ notice: NOTICE, urgent: 'SMS_100000002', latency: { perCallMs: 40, perNumberMs: 0.2 }, onlySms: true })
  for (let i = 0; i < RESIDENTS; i++) {
    const phone = `137${String(i).padStart(8, '0')}`
    await smsResident(payload, { phone, email: `m${i}@mail.test`, grid: i % 2 ? street.gridA1.id : street.gridB1.id, channels: ['sms'], topics: ['issues'], smsTopics: ['issues'] })
  }
}, 600_000)

afterAll(async () => {
  for (const c of workerProcesses) c.kill('SIGKILL')
  await provider?.close()
  await payload?.destroy()
})

describe('SMS crash safety', () => {
  it(`an SMS notice to ${RESIDENTS} residents survives ${KILLS} SIGKILLs of its worker: everyone gets it, duplicates within calls in flight × numbers a call`, async () => {
    const issue = await publishIssue(payload, '短信崩溃测试')
    const delivery = (await deliveriesOf(payload, 'issues', issue.id)).find((d) => d.channel === 'sms')!
    const id = String(delivery.id)
    const kills = await killAtRandom({
      kills: KILLS,
      total: RESIDENTS,
      start: () => crashWorker(id),
      sent: () => provider.accepted.length,
      reached: (n) => accepted(n),
    })
    const last = await crashWorker(id)
    expect(notOnItsOwn(await last.exited).code).toBe(0)

    const d = await deliveryById(payload, delivery.id)
    const perPhone = new Map<string, number>()
    for (const a of provider.accepted) perPhone.set(a.phone, (perPhone.get(a.phone) ?? 0) + 1)
    const duplicates = [...perPhone.values()].reduce((n, c) => n + c - 1, 0)
    const rows = (await payload.db.count({ collection: 'sms-messages', where: { delivery: { equals: id } } })).totalDocs
    const counts = {
      leg: mongoLeg ? 'mongo' : 'sqlite',
      residents: RESIDENTS,
      kills,
      messages: provider.accepted.length,
      recipients: perPhone.size,
      duplicates,
      inFlightLimit: d.inFlightLimit,
      resumes: d.resumes,
      reportedMaxDuplicates: d.maxDuplicates,
      rows,
      status: d.status,
    }
    process.stdout.write(`SMS CRASH ${JSON.stringify(counts)}\n`)
    expect(kills).toBeGreaterThanOrEqual(1)
    expect(d.resumes).toBeGreaterThanOrEqual(1)
    expect(d.status).toBe('done')
    expect(perPhone.size).toBe(RESIDENTS)
    expect(d.submitted).toBe(RESIDENTS)
    expect(d.inFlightLimit).toBe(CONCURRENCY * PER_CALL)
    expect(duplicates).toBeLessThanOrEqual(kills * CONCURRENCY * PER_CALL)
    expect(duplicates).toBeLessThanOrEqual(d.maxDuplicates ?? 0)
    // One row per resident who got it (a message sent twice keeps its first row).
    expect(rows).toBe(RESIDENTS)
  }, 1_200_000)
})
