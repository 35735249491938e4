/**
 * `npm run bench -- sms [--quick]`: text messages to N recipients through the
 * local stand-in of Alibaba Cloud SMS (test/support/sms-provider.ts, which
 * checks each call's signature) with a fixed latency of 30 ms a call plus
 * 0.1 ms a number, two ways at equal concurrency (calls in flight):
 *
 * - batch: the SMS driver's own call (sendThroughProvider in
 *   src/delivery/sms), SendBatchSms with up to 100 numbers a call, each number
 *   with its own title and short-link code;
 * - baseline: a one-call-per-number loop over the SDK client (SendSms).
 *
 * It measures the provider calls, the part batching changes; the database
 * writes around them (short links, receipts, sms-messages rows) are the same
 * per recipient either way. Every message is checked at the stand-in (count,
 * distinct codes). N: BENCH_SMS_RECIPIENTS (default 20,000; --quick 2,000);
 * concurrency: BENCH_SMS_CONCURRENCY (default 8).
 * Ends with one JSON line; exits 1 when a target is missed.
 */
import { SmsChannel, smsTemplateText, type PreparedSms } from '../../src/channels/sms'
import { newShortCode } from '../../src/delivery/sms/links'
import { sendThroughProvider } from '../../src/delivery/sms'
import { isFailure } from '../../src/channels/types'
import { startSmsProvider } from '../support/sms-provider'
import { out, verdict } from './_harness'

const quick = process.argv.includes('--quick')
const N = Number(process.env.BENCH_SMS_RECIPIENTS || (quick ? 2000 : 20_000))
const CONCURRENCY = Number(process.env.BENCH_SMS_CONCURRENCY || 8)
const TARGETS = { sms_ratio: 3 }
const LINK_BASE = 'https://news.street.test/s/'
const T = { notice: 'SMS_100000001', urgent: 'SMS_100000002' }

const provider = await startSmsProvider({
  signNames: ['徐碧街道'],
  templates: [
    { code: T.notice, text: smsTemplateText('notice', LINK_BASE) },
    { code: T.urgent, text: smsTemplateText('urgent', LINK_BASE) },
  ],
  latency: { perCallMs: 30, perNumberMs: 0.1 },
})
const channel = new SmsChannel({ accessKeyId: provider.accessKeyId, accessKeySecret: provider.accessKeySecret, signName: '徐碧街道', templates: T, linkBase: LINK_BASE, apiBase: provider.url })
const tuning = { maxAttempts: 3, retryBaseMs: 200, retryMaxMs: 2000 } as Parameters<typeof sendThroughProvider>[2]

/** N messages made ready (numbers, titles and codes), as the driver makes them: local work, not timed. */
function messages(): PreparedSms[] {
  const list: PreparedSms[] = []
  for (let i = 0; i < N; i++) {
    const p = channel.prepare({ to: `139${String(i).padStart(8, '0')}`, kind: 'notice', params: { title: '《聚焦徐碧》第12期：社区食堂开张', code: newShortCode() } })
    if (isFailure(p)) throw new Error(`message ${i} not prepared: ${p.message}`)
    list.push(p)
  }
  return list
}

/** Run `calls` with at most CONCURRENCY in flight; returns seconds taken and how many messages were accepted. */
async function pool(calls: (() => Promise<number>)[]): Promise<{ seconds: number; ok: number }> {
  let next = 0
  let ok = 0
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < calls.length) {
        const accepted = await calls[next++]()
        ok += accepted
      }
    }),
  )
  return { seconds: (performance.now() - t0) / 1000, ok }
}

function check(label: string, ok: number) {
  const accepted = provider.accepted
  const codes = new Set(accepted.map((a) => a.params.code))
  if (ok !== N || accepted.length !== N || codes.size !== N) throw new Error(`${label}: ${ok} accepted by the client, ${accepted.length} at the stand-in, ${codes.size} distinct codes; expected ${N}`)
  provider.reset()
}

// A short warm-up of both ways (connections, JIT), not timed.
await Promise.all(messages().slice(0, 200).map((m) => channel.sendPrepared(m)))
await sendThroughProvider(channel, messages().slice(0, 100), tuning)
provider.reset()

const batchList = messages()
const batchCalls: (() => Promise<number>)[] = []
for (let i = 0; i < batchList.length; i += 100) {
  const chunk = batchList.slice(i, i + 100)
  batchCalls.push(async () => {
    const results = await sendThroughProvider(channel, chunk, tuning)
    const bad = results.find((r) => !r.ok)
    if (bad) out(`batch call: ${JSON.stringify(bad)}`)
    return results.filter((r) => r.ok).length
  })
}
const batch = await pool(batchCalls)
check('batch', batch.ok)

const single = messages().map((m) => async () => ((await channel.sendPrepared(m)).ok ? 1 : 0))
const baseline = await pool(single)
check('baseline', baseline.ok)
await provider.close()

const figures = {
  bench: 'sms',
  recipients: N,
  concurrency: CONCURRENCY,
  sms_per_s: Math.round(N / batch.seconds),
  sms_baseline_per_s: Math.round(N / baseline.seconds),
  sms_s: Number(batch.seconds.toFixed(2)),
  sms_baseline_s: Number(baseline.seconds.toFixed(2)),
  sms_ratio: Number((baseline.seconds / batch.seconds).toFixed(2)),
  target_min_sms_ratio: TARGETS.sms_ratio,
}
out(`batch: ${N} messages in ${batch.seconds.toFixed(2)} s (${batchCalls.length} calls); one call a number: ${baseline.seconds.toFixed(2)} s`)
const code = verdict([figures.sms_ratio < TARGETS.sms_ratio && `sms_ratio ${figures.sms_ratio} < ${TARGETS.sms_ratio}`])
out(JSON.stringify(figures))
process.exit(code)
