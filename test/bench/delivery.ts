/**
 * `npm run bench -- delivery [--quick]`: one issue delivered to N subscribers
 * by email and by web push through the pipeline (claim, batches, receipts,
 * cursor, per-recipient signed links), against the local SMTP server and a
 * local https push service, each in a process of its own that accepts and
 * counts, checking a sample fully. Beside them, baselines from the same run
 * with the same pool size, sockets and concurrency: nodemailer sendMail
 * composing each message (the same issue's HTML and text), and web-push
 * sendNotification per message (a VAPID signature each).
 *
 * Figures: messages/s of each, their ratios, RSS growth while delivering,
 * and the time from publish to the first message at the SMTP server
 * (including the 250 ms nudge a publish gives the scheduler: runSoon).
 * N: BENCH_SUBSCRIBERS (default 100,000; --quick 5,000). Bounded in time:
 * BENCH_TIME_LIMIT_S (default 2,400; --quick 300) stops it with exit 1.
 * Ends with one JSON line; exits 1 when a target is missed.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import https from 'node:https'
import path from 'node:path'
import v8 from 'node:v8'
import vm from 'node:vm'

import nodemailer from 'nodemailer'
import SMTPPool from 'nodemailer/lib/smtp-pool'
import webpush from 'web-push'

import { connectNoDelay } from '../../src/channels/email'
import { benchEnvironment } from './_env'
import { benchHarness, out, verdict } from './_harness'

const quick = process.argv.includes('--quick')
const N = Number(process.env.BENCH_SUBSCRIBERS || (quick ? 5000 : 100_000))
const CONCURRENCY = Number(process.env.DELIVERY_CONCURRENCY || 20)
const TIME_LIMIT_S = Number(process.env.BENCH_TIME_LIMIT_S || (quick ? 300 : 2400))
const TARGETS = { email_ratio: 1.5, push_ratio: 2, rss_growth_mb: 150, first_message_s: 2 }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const started = Date.now()
const deadline = started + TIME_LIMIT_S * 1000

const dir = benchEnvironment('delivery', {
  PUBLIC_URL: 'https://news.street.test',
  DELIVERY_CONCURRENCY: String(CONCURRENCY),
  DELIVERY_BATCH_SIZE: process.env.DELIVERY_BATCH_SIZE || '500',
})

const { startChild, ask, run } = benchHarness(dir, TIME_LIMIT_S)

// A self-signed certificate for the https push service, trusted by both sides through their agents.
const keyFile = path.join(dir, 'push-key.pem')
const certFile = path.join(dir, 'push-cert.pem')
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' })
const ca = fs.readFileSync(certFile)

type SmtpCount = { count: number; checked: number; firstFault: string | null }
type PushStats = { received: number; accepted: number; verified: number; rejected: number; firstRejection: unknown; authorizations: number }
const { child: smtpChild, ready: smtpReady } = await startChild<{ url: string }>('_smtp-child.ts')
const { child: pushChild, ready: pushReady } = await startChild<{ origin: string }>('_push-child.ts', [keyFile, certFile])
const smtpCount = () => ask<SmtpCount>(smtpChild, { cmd: 'count' })
const smtpReset = () => ask<SmtpCount>(smtpChild, { cmd: 'reset' })
const pushStats = () => ask<{ stats: PushStats }>(pushChild, { cmd: 'stats' }).then((m) => m.stats)
const pushReset = () => ask<{ stats: PushStats }>(pushChild, { cmd: 'reset' }).then((m) => m.stats)

const vapid = webpush.generateVAPIDKeys()
Object.assign(process.env, {
  SMTP_URL: smtpReady.url,
  MAIL_FROM: '聚焦徐碧 <news@street.test>',
  VAPID_PUBLIC_KEY: vapid.publicKey,
  VAPID_PRIVATE_KEY: vapid.privateKey,
  VAPID_SUBJECT: 'mailto:news@street.test',
  PUSH_CA_FILE: certFile,
  // The local push service listens on 127.0.0.1: the outbound guard lets it through only when named here.
  PUSH_TRUSTED_ORIGINS: pushReady.origin,
})

const { initPayload } = await import('../../src/server/payload')
const { runDueDeliveries } = await import('../../src/delivery/pipeline')
const { closeDeliveryChannels, emailChannel, pushChannel } = await import('../../src/delivery/channels')
const { contentUrl, iconUrl } = await import('../../src/delivery/links')
const { fitPushPayload } = await import('../../src/channels/webpush')
const { newRef } = await import('../../src/collections/Subscribers')
const { doc, p } = await import('../../src/seed/lexical')
const { loadSettings, mediaFor, richValues } = await import('../../src/content/data')
const { fill, recipientParts, renderContentMail } = await import('../../src/templates/email/content')
const { pushForContent } = await import('../../src/templates/push')

/** A full garbage collection, through V8's own flag (the benchmark runs without --expose-gc). */
function collectGarbage() {
  v8.setFlagsFromString('--expose-gc')
  ;(vm.runInNewContext('gc') as () => void)()
}

/** Run `n` tasks with at most `c` at once, within the time limit. */
async function pool(n: number, c: number, task: (i: number) => Promise<unknown>) {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(c, n) }, async () => {
      while (next < n) {
        if (Date.now() > deadline) throw new Error('time limit reached')
        await task(next++)
      }
    }),
  )
}

/** Pipeline runs until every recipient is done (a delivery deferred or paused by a fault shows as a count below N). */
async function deliver(payload: Awaited<ReturnType<typeof initPayload>>) {
  while ((await runDueDeliveries(payload, { limit: 1 })).ran && Date.now() < deadline);
}

await run(async () => {
  out(`delivery benchmark${quick ? ' (quick)' : ''}: ${N} subscribers, concurrency ${CONCURRENCY}, fresh SQLite in ${dir}, time limit ${TIME_LIMIT_S} s`)
  const payload = await initPayload()
  const noTx = { transactionID: undefined } as never
  const community = await payload.create({ collection: 'communities', data: { code: 'A', name: '甲社区' } as never, overrideAccess: true })
  const grid = await payload.create({ collection: 'grids', data: { code: 'A-01', name: '甲一网格', community: community.id, households: 400 } as never, overrideAccess: true })
  const seeded = Date.now()
  // Seeded with native multi-row inserts (the benchmark's set-up, not what it measures): Payload's
  // create is one row per call and would take longer than the benchmark itself at 100,000.
  const { sql } = await import('@payloadcms/db-sqlite')
  const drizzle = (payload.db as unknown as { drizzle: { run: (q: unknown) => Promise<unknown> } }).drizzle
  const subs: { endpoint: string; keys: { p256dh: string; auth: string } }[] = []
  const CHUNK = 400
  for (let from = 0; from < N; from += CHUNK) {
    const ids = Array.from({ length: Math.min(CHUNK, N - from) }, (_, k) => from + k + 1)
    const { subs: devices } = await ask<{ subs: typeof subs }>(pushChild, { cmd: 'subscribe', n: ids.length })
    subs.push(...devices)
    await drizzle.run(sql`INSERT INTO subscribers (id, email, grid_id, status, source, ref) VALUES ${sql.join(ids.map((id) => sql`(${id}, ${`r${id}@mail.test`}, ${grid.id}, 'active', 'admin', ${newRef()})`), sql`, `)}`)
    await drizzle.run(sql`INSERT INTO subscribers_channels ("order", parent_id, value) VALUES ${sql.join(ids.flatMap((id) => [sql`(1, ${id}, 'email')`, sql`(2, ${id}, 'webpush')`]), sql`, `)}`)
    await drizzle.run(sql`INSERT INTO subscribers_topics ("order", parent_id, value) VALUES ${sql.join(ids.map((id) => sql`(1, ${id}, 'issues')`), sql`, `)}`)
    await drizzle.run(sql`INSERT INTO push_subscriptions (endpoint, keys_p256dh, keys_auth, subscriber_id) VALUES ${sql.join(ids.map((id, k) => sql`(${devices[k].endpoint}, ${devices[k].keys.p256dh}, ${devices[k].keys.auth}, ${id})`), sql`, `)}`)
    if (from && from % 20_000 === 0) out(`  seeded ${from}`)
  }
  const check = await payload.db.count({ collection: 'subscribers', where: { and: [{ status: { equals: 'active' } }, { channels: { in: ['webpush'] } }, { topics: { in: ['issues'] } }] } })
  if (check.totalDocs !== N) throw new Error(`seeded ${check.totalDocs} subscribers, expected ${N}`)
  out(`seeded ${N} subscribers with one device each in ${((Date.now() - seeded) / 1000).toFixed(1)} s`)

  // The issue, as a draft first: the baselines send its own email and notification.
  const issue = await payload.create({
    collection: 'issues',
    data: {
      title: '第十二期：社区食堂开张',
      summary: '本期摘要：社区食堂开张，老年助餐点同步启用。',
      articles: [{ title: '社区食堂开张', body: doc(...Array.from({ length: 20 }, () => p('社区食堂今天开张，欢迎老人就餐。每天中午十一点至下午一点供应午餐，六十岁以上老人凭卡享受优惠。'))) }],
      _status: 'draft',
    } as never,
    draft: true,
    overrideAccess: true,
  })
  const base = process.env.PUBLIC_URL!
  const draft = (await payload.findByID({ collection: 'issues', id: issue.id, depth: 1, draft: true, overrideAccess: true })) as unknown as Record<string, unknown> & { id: number; title: string; summary: string }
  const site = await loadSettings(payload)
  const mail = renderContentMail({ collection: 'issues', doc: draft as never, settings: site, contentUrl: contentUrl('issues', draft, base), base, media: await mediaFor(payload, richValues('issues', draft)) })
  // The baseline's template: the rendered issue with markers where a recipient's links go, replaced per message.
  const marked = recipientParts('甲一网格的居民朋友，您好：', { preferences: `${base}/p/@@R@@`, unsubscribe: `${base}/u/@@R@@` })
  const baseHtml = fill(mail.html, marked.html)
  const baseText = fill(mail.text, marked.text)
  out(`issue email: ${Buffer.byteLength(baseHtml)} bytes of HTML, ${Buffer.byteLength(baseText)} of text`)

  // The baselines: nodemailer composing each message (same pool size, sockets and concurrency), and web-push
  // sendNotification per message (a VAPID signature each; keep-alive agent with the same sockets).
  const transport = nodemailer.createTransport(
    new SMTPPool({ url: smtpReady.url, pool: true, maxConnections: Math.min(CONCURRENCY, 20), maxMessages: 1000, getSocket: (o, cb) => connectNoDelay(o, 15_000, cb) }),
  )
  const baselineEmail = async (i: number) => {
    const ref = `r${i}`
    const info = await transport.sendMail({
      from: '聚焦徐碧 <news@street.test>',
      to: `r${i + 1}@mail.test`,
      subject: mail.subject,
      html: baseHtml.replaceAll('@@R@@', ref),
      text: baseText.replaceAll('@@R@@', ref),
      headers: { 'List-Unsubscribe': `<${base}/u/${ref}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    })
    if (info.rejected.length) throw new Error(`baseline message refused: ${info.response}`)
  }
  const content = pushForContent({ collection: 'issues', doc: draft as never, settings: site, url: contentUrl('issues', draft, base), icon: iconUrl(base), ttlSeconds: 86400 })
  const payloadJson = fitPushPayload(content.notification)
  const agent = new https.Agent({ keepAlive: true, maxSockets: CONCURRENCY, ca })
  const baselinePush = (i: number) =>
    webpush.sendNotification(subs[i], payloadJson, {
      vapidDetails: { subject: 'mailto:news@street.test', publicKey: vapid.publicKey, privateKey: vapid.privateKey },
      TTL: content.ttlSeconds,
      urgency: content.urgency,
      topic: content.topicKey,
      agent,
    })

  // Warm-up, not timed: a few hundred messages down each path, ours (the channels) and the baselines', so
  // that whichever runs first does not pay for a cold JIT and cold TLS sessions alone.
  const W = Math.min(400, N)
  await pool(W, CONCURRENCY, baselineEmail)
  await pool(W, CONCURRENCY, baselinePush)
  await pool(W, CONCURRENCY, (i) => emailChannel().send({ to: `r${i + 1}@mail.test`, subject: mail.subject, html: baseHtml, text: baseText, headers: marked.headers }))
  await pool(W, CONCURRENCY, (i) => pushChannel().send({ subscription: subs[i], notification: content.notification, ttlSeconds: content.ttlSeconds }))
  const warmed = [(await smtpReset()).count, (await pushReset()).accepted]
  if (warmed[0] !== 2 * W || warmed[1] !== 2 * W) throw new Error(`warm-up: ${warmed[0]} messages and ${warmed[1]} pushes accepted of ${2 * W} each`)

  // ---- our pipeline first (so that its RSS growth is its own, not the baselines' garbage): publish, then
  // the deliveries run, email first (push paused until then).
  // RSS growth is counted from a collected heap.
  collectGarbage()
  const rssStart = process.memoryUsage().rss
  let rssMax = rssStart
  let heapMax = 0
  const sampler = setInterval(() => {
    const m = process.memoryUsage()
    rssMax = Math.max(rssMax, m.rss)
    heapMax = Math.max(heapMax, m.heapUsed)
  }, 200)
  let t = Date.now()
  await payload.update({ collection: 'issues', id: issue.id, data: { _status: 'published' } as never, overrideAccess: true })
  const { docs } = await payload.db.find({ collection: 'deliveries', where: { contentId: { equals: String(issue.id) } }, limit: 0, pagination: false })
  const byChannel = Object.fromEntries((docs as { id: string | number; channel: string }[]).map((d) => [d.channel, d.id]))
  if (!byChannel.email || !byChannel.webpush) throw new Error(`publishing made deliveries for ${Object.keys(byChannel).join(', ') || 'no channel'}, not email and web push`)
  await payload.db.updateOne({ collection: 'deliveries', id: byChannel.webpush, data: { status: 'paused' }, req: noTx })
  let firstAt = 0
  const first = (async () => {
    while (!firstAt && Date.now() < deadline) {
      if ((await smtpCount()).count > 0) firstAt = Date.now()
      else await sleep(10)
    }
  })()
  // What the scheduler's nudge does after a publish (runSoon: a tick 250 ms later): run due deliveries.
  await sleep(250)
  await deliver(payload)
  const emailS = (Date.now() - t) / 1000
  await first
  const firstMessageS = (firstAt - t) / 1000
  const ours = await smtpCount()
  if (ours.count !== N) throw new Error(`SMTP server accepted ${ours.count} of ${N}${ours.firstFault ? `; a sample failed its check: ${ours.firstFault}` : ''}`)
  out(`email ours: ${Math.round(N / emailS)}/s (${ours.checked} sampled messages checked)`)

  await payload.db.updateOne({ collection: 'deliveries', id: byChannel.webpush, data: { status: 'queued', goAhead: true }, req: noTx })
  t = Date.now()
  await deliver(payload)
  const pushS = (Date.now() - t) / 1000
  clearInterval(sampler)
  const oursPush = await pushStats()
  if (oursPush.accepted !== N) throw new Error(`push service accepted ${oursPush.accepted} of ${N} (pipeline): ${JSON.stringify(oursPush.firstRejection)}`)
  out(`push ours: ${Math.round(N / pushS)}/s (${oursPush.verified} verified fully, ${oursPush.authorizations} distinct VAPID headers)`)

  // ---- email baseline, timed.
  await smtpReset()
  t = Date.now()
  await pool(N, CONCURRENCY, baselineEmail)
  const emailBaselineS = (Date.now() - t) / 1000
  transport.close()
  const baselineSmtp = await smtpReset()
  if (baselineSmtp.count !== N) throw new Error(`SMTP server accepted ${baselineSmtp.count} of ${N} (baseline)`)
  out(`email baseline: ${Math.round(N / emailBaselineS)}/s (${baselineSmtp.checked} sampled messages checked)`)

  // ---- push baseline, timed.
  await pushReset()
  t = Date.now()
  await pool(N, CONCURRENCY, baselinePush)
  const pushBaselineS = (Date.now() - t) / 1000
  agent.destroy()
  const baselinePushStats = await pushReset()
  if (baselinePushStats.accepted !== N) throw new Error(`push service accepted ${baselinePushStats.accepted} of ${N} (baseline): ${JSON.stringify(baselinePushStats.firstRejection)}`)
  out(`push baseline: ${Math.round(N / pushBaselineS)}/s (${baselinePushStats.verified} verified fully, ${baselinePushStats.authorizations} distinct VAPID headers)`)

  const r = (x: number) => Math.round(x * 100) / 100
  const figures = {
    bench: 'delivery',
    subscribers: N,
    concurrency: CONCURRENCY,
    email_per_s: r(N / emailS),
    email_baseline_per_s: r(N / emailBaselineS),
    email_ratio: r(emailBaselineS / emailS),
    push_per_s: r(N / pushS),
    push_baseline_per_s: r(N / pushBaselineS),
    push_ratio: r(pushBaselineS / pushS),
    rss_growth_mb: r((rssMax - rssStart) / 1048576),
    rss_start_mb: r(rssStart / 1048576),
    heap_used_max_mb: r(heapMax / 1048576),
    first_message_s: r(firstMessageS),
    email_samples_checked: baselineSmtp.checked + ours.checked,
    push_samples_verified: baselinePushStats.verified + oursPush.verified,
    wall_s: r((Date.now() - started) / 1000),
    target_min_email_ratio: TARGETS.email_ratio,
    target_min_push_ratio: TARGETS.push_ratio,
    target_max_rss_growth_mb: TARGETS.rss_growth_mb,
    target_max_first_message_s: TARGETS.first_message_s,
  }
  const exitCode = verdict([
    figures.email_ratio < TARGETS.email_ratio && 'email_ratio',
    figures.push_ratio < TARGETS.push_ratio && 'push_ratio',
    figures.rss_growth_mb > TARGETS.rss_growth_mb && 'rss_growth_mb',
    figures.first_message_s > TARGETS.first_message_s && 'first_message_s',
  ])
  await closeDeliveryChannels()
  await payload.destroy()
  out(JSON.stringify(figures))
  return exitCode
})
