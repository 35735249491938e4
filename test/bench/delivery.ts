/**
 * `npm run bench -- delivery [--quick]`: one issue delivered to N subscribers
 * by email and by web push through the pipeline (claim, batches, receipts,
 * cursor), against the local SMTP server and a local https push service,
 * beside baselines from the same run with the same pool size and concurrency:
 * nodemailer sendMail composing each message, and web-push sendNotification
 * per message (a VAPID signature each).
 *
 * Figures: messages/s of each, their ratios, RSS growth while delivering,
 * and the time from publish to the first message at the SMTP server (its own
 * process; the
 * publish nudges the scheduler; see src/jobs/scheduler.ts runSoon).
 * N: BENCH_SUBSCRIBERS (default 100,000; --quick 2,000). Ends with one JSON
 * line; exits 1 when a target is missed.
 */
import { execFileSync, fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import https from 'node:https'
import os from 'node:os'
import path from 'node:path'

import nodemailer from 'nodemailer'
import webpush from 'web-push'

import { startPushService } from '../support/push-service'

const quick = process.argv.includes('--quick')
const N = Number(process.env.BENCH_SUBSCRIBERS || (quick ? 2000 : 100_000))
const CONCURRENCY = Number(process.env.DELIVERY_CONCURRENCY || 20)
const TARGETS = { email_ratio: 1.5, push_ratio: 2, rss_growth_mb: 150, first_message_s: 2 }
const out = (line: string) => process.stdout.write(`${line}\n`)

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'street-news-bench-delivery-'))
Object.assign(process.env, {
  DATA_DIR: dir,
  MEDIA_DIR: path.join(dir, 'media'),
  PAYLOAD_SECRET: randomBytes(24).toString('hex'),
  LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
  TZ: process.env.TZ || 'Asia/Shanghai',
  PUBLIC_URL: 'https://news.street.test',
  DELIVERY_CONCURRENCY: String(CONCURRENCY),
  DELIVERY_BATCH_SIZE: process.env.DELIVERY_BATCH_SIZE || '500',
  NODE_ENV: 'production',
})
delete process.env.DATABASE_URI

// A self-signed certificate for the https push service, trusted by both sides through their agents.
const keyFile = path.join(dir, 'push-key.pem')
const certFile = path.join(dir, 'push-cert.pem')
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' })
const ca = fs.readFileSync(certFile)

// The SMTP server runs in its own process (_smtp-child.ts), so it does not share the sender's event loop.
const child = fork(path.join(path.dirname(new URL(import.meta.url).pathname), '_smtp-child.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
const ask = (cmd: string) =>
  new Promise<number>((resolve) => {
    child.once('message', (m: { count: number }) => resolve(m.count))
    child.send({ cmd })
  })
const smtpUrl = await new Promise<string>((resolve) => child.once('message', (m: { url: string }) => resolve(m.url)))
const smtp = {
  url: smtpUrl,
  accepted: () => ask('count'),
  reset: () => ask('reset'),
  async waitFor(n: number, timeoutMs: number) {
    const end = Date.now() + timeoutMs
    while ((await ask('count')) < n) {
      if (Date.now() > end) throw new Error(`SMTP server: fewer than ${n} messages after ${timeoutMs} ms`)
      await new Promise((r) => setTimeout(r, 10))
    }
  },
  close: async () => void child.disconnect(),
}
const push = await startPushService({ verify: { sampleEvery: 1000 }, tls: { key: fs.readFileSync(keyFile), cert: ca } })
const vapid = webpush.generateVAPIDKeys()
Object.assign(process.env, {
  SMTP_URL: smtp.url,
  MAIL_FROM: '聚焦徐碧 <news@street.test>',
  VAPID_PUBLIC_KEY: vapid.publicKey,
  VAPID_PRIVATE_KEY: vapid.privateKey,
  VAPID_SUBJECT: 'mailto:news@street.test',
  PUSH_CA_FILE: certFile,
})

const { initPayload } = await import('../../src/server/payload')
const { runDueDeliveries } = await import('../../src/delivery/pipeline')
const { closeDeliveryChannels } = await import('../../src/delivery/channels')
const { newRef } = await import('../../src/collections/Subscribers')
const { doc, p } = await import('../../src/seed/lexical')

/** Run `n` tasks with at most `c` at once. */
async function pool(n: number, c: number, task: (i: number) => Promise<unknown>) {
  let next = 0
  await Promise.all(Array.from({ length: Math.min(c, n) }, async () => {
    while (next < n) await task(next++)
  }))
}

let exitCode = 1
try {
  out(`delivery benchmark${quick ? ' (quick)' : ''}: ${N} subscribers, concurrency ${CONCURRENCY}, fresh SQLite in ${dir}`)
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
    const devices = ids.map(() => push.subscribe())
    for (const d of devices) subs.push({ endpoint: d.endpoint, keys: d.keys })
    await drizzle.run(sql`INSERT INTO subscribers (id, email, grid_id, status, source, ref) VALUES ${sql.join(ids.map((id) => sql`(${id}, ${`r${id}@mail.test`}, ${grid.id}, 'active', 'admin', ${newRef()})`), sql`, `)}`)
    await drizzle.run(sql`INSERT INTO subscribers_channels ("order", parent_id, value) VALUES ${sql.join(ids.flatMap((id) => [sql`(1, ${id}, 'email')`, sql`(2, ${id}, 'webpush')`]), sql`, `)}`)
    await drizzle.run(sql`INSERT INTO subscribers_topics ("order", parent_id, value) VALUES ${sql.join(ids.map((id) => sql`(1, ${id}, 'issues')`), sql`, `)}`)
    await drizzle.run(sql`INSERT INTO push_subscriptions (endpoint, keys_p256dh, keys_auth, subscriber_id) VALUES ${sql.join(ids.map((id, k) => sql`(${devices[k].endpoint}, ${devices[k].keys.p256dh}, ${devices[k].keys.auth}, ${id})`), sql`, `)}`)
    if (from && from % 20_000 === 0) out(`  seeded ${from}`)
  }
  const check = await payload.db.count({ collection: 'subscribers', where: { and: [{ status: { equals: 'active' } }, { channels: { in: ['webpush'] } }, { topics: { in: ['issues'] } }] } })
  if (check.totalDocs !== N) throw new Error(`seeded ${check.totalDocs} subscribers, expected ${N}`)
  out(`seeded ${N} subscribers with one device each in ${((Date.now() - seeded) / 1000).toFixed(1)} s`)

  // ---- email baseline: nodemailer composing each message, same pool and concurrency.
  const html = `<!doctype html><html><body>${'<p style="line-height:1.8">社区食堂今天开张,欢迎老人就餐。</p>'.repeat(20)}</body></html>`
  const transport = nodemailer.createTransport({ url: smtp.url, pool: true, maxConnections: Math.min(CONCURRENCY, 20), maxMessages: 1000 } as never)
  let t = Date.now()
  await pool(N, CONCURRENCY, (i) =>
    transport.sendMail({
      from: '聚焦徐碧 <news@street.test>',
      to: `r${i}@mail.test`,
      subject: '第十二期:社区食堂开张',
      html: html.replace('<body>', `<body><p>甲一网格的居民朋友,您好:</p><a href="https://news.street.test/u/${i}">退订</a>`),
      text: `甲一网格的居民朋友,您好:\n社区食堂今天开张\n退订:https://news.street.test/u/${i}`,
      headers: { 'List-Unsubscribe': `<https://news.street.test/u/${i}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    }),
  )
  const emailBaselineS = (Date.now() - t) / 1000
  transport.close()
  await smtp.reset()

  // ---- our pipeline: publish, then the deliveries run (email first, push paused until then).
  const rssStart = process.memoryUsage().rss
  let rssMax = rssStart
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 200)
  t = Date.now()
  const issue = await payload.create({
    collection: 'issues',
    data: {
      title: '第十二期:社区食堂开张',
      summary: '本期摘要',
      articles: [{ title: '社区食堂开张', body: doc(...Array.from({ length: 20 }, () => p('社区食堂今天开张,欢迎老人就餐。'))) }],
      _status: 'published',
    } as never,
    overrideAccess: true,
  })
  const { docs } = await payload.db.find({ collection: 'deliveries', where: { contentId: { equals: String(issue.id) } }, limit: 0, pagination: false })
  const byChannel = Object.fromEntries((docs as { id: string | number; channel: string }[]).map((d) => [d.channel, d.id]))
  await payload.db.updateOne({ collection: 'deliveries', id: byChannel.webpush, data: { status: 'paused' }, req: noTx })
  const first = smtp.waitFor(1, 60_000).then(() => (Date.now() - t) / 1000)
  // What the scheduler's nudge does right after a publish (runSoon): run due deliveries.
  await runDueDeliveries(payload, { limit: 1 })
  const emailS = (Date.now() - t) / 1000
  const firstMessageS = await first
  const acceptedByServer = await smtp.accepted()
  if (acceptedByServer !== N) throw new Error(`SMTP server accepted ${acceptedByServer} of ${N}`)

  // ---- push baseline: web-push sendNotification per message (signs VAPID each time), same sockets and concurrency.
  const payloadJson = JSON.stringify({ title: '第十二期:社区食堂开张', body: '聚焦徐碧 第 12 期:本期摘要', icon: 'https://news.street.test/icons/icon-192.png', url: 'https://news.street.test/issues/12' })
  const agent = new https.Agent({ keepAlive: true, maxSockets: CONCURRENCY, ca })
  const acceptedBefore = push.stats.accepted
  t = Date.now()
  await pool(N, CONCURRENCY, (i) =>
    webpush.sendNotification(subs[i], payloadJson, { vapidDetails: { subject: 'mailto:news@street.test', publicKey: vapid.publicKey, privateKey: vapid.privateKey }, TTL: 86400, agent }),
  )
  const pushBaselineS = (Date.now() - t) / 1000
  agent.destroy()
  if (push.stats.accepted - acceptedBefore !== N) throw new Error(`push service accepted ${push.stats.accepted - acceptedBefore} of ${N} (baseline)`)

  const beforeOurs = push.stats.accepted
  await payload.db.updateOne({ collection: 'deliveries', id: byChannel.webpush, data: { status: 'queued', goAhead: true }, req: noTx })
  t = Date.now()
  await runDueDeliveries(payload, { limit: 1 })
  const pushS = (Date.now() - t) / 1000
  clearInterval(sampler)
  if (push.stats.accepted - beforeOurs !== N) throw new Error(`push service accepted ${push.stats.accepted - beforeOurs} of ${N} (pipeline)`)

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
    first_message_s: r(firstMessageS),
    target_min_email_ratio: TARGETS.email_ratio,
    target_min_push_ratio: TARGETS.push_ratio,
    target_max_rss_growth_mb: TARGETS.rss_growth_mb,
    target_max_first_message_s: TARGETS.first_message_s,
  }
  const missed = [
    figures.email_ratio < TARGETS.email_ratio && 'email_ratio',
    figures.push_ratio < TARGETS.push_ratio && 'push_ratio',
    figures.rss_growth_mb > TARGETS.rss_growth_mb && 'rss_growth_mb',
    figures.first_message_s > TARGETS.first_message_s && 'first_message_s',
  ].filter(Boolean)
  if (missed.length) out(`targets missed: ${missed.join(', ')}`)
  exitCode = missed.length ? 1 : 0
  await closeDeliveryChannels()
  await payload.destroy()
  out(JSON.stringify(figures))
} catch (err) {
  process.stderr.write(`${(err as Error).stack ?? err}\n`)
} finally {
  await smtp.close()
  await push.close()
  fs.rmSync(dir, { recursive: true, force: true })
}
process.exit(exitCode)
