/**
 * `npm run bench -- urgent [--quick]`: an urgent announcement published while
 * a bulk email delivery runs. The scheduler is the real one (startScheduler;
 * its cron does not fire: only the publishes' nudges run deliveries, as in a
 * process that publishes), the SMTP server the local one in a process of its
 * own (it accepts and counts, checks a sample, and notes when the first
 * message to the urgent grid arrived).
 *
 * 1. Warm-up, not timed: an issue to a few thousand other subscribers.
 * 2. Bulk alone: an issue to N subscribers, from publish to its last message.
 * 3. Bulk with urgent: another issue to the same N; once a quarter of it is
 *    sent, an urgent announcement to one grid (RESIDENTS subscribers).
 *
 * Figures: publish → first urgent message at the SMTP server (including the
 * 250 ms nudge), and the bulk delivery's throughput with the urgent one beside
 * it against the same bulk delivery alone, measured in the same run.
 * N: BENCH_SUBSCRIBERS (default 100,000; --quick 5,000). Bounded in time:
 * BENCH_TIME_LIMIT_S (default 2,400; --quick 300) stops it with exit 1.
 * Ends with one JSON line; exits 1 when a target is missed.
 */
import { benchEnvironment } from './_env'
import { benchHarness, out, verdict } from './_harness'

const quick = process.argv.includes('--quick')
const N = Number(process.env.BENCH_SUBSCRIBERS || (quick ? 5000 : 100_000))
const RESIDENTS = 400
const WARM = Math.min(2000, N)
const CONCURRENCY = Number(process.env.DELIVERY_CONCURRENCY || 20)
const URGENT_CONCURRENCY = Number(process.env.DELIVERY_URGENT_CONCURRENCY || 10)
const TIME_LIMIT_S = Number(process.env.BENCH_TIME_LIMIT_S || (quick ? 300 : 2400))
const TARGETS = { urgent_first_message_s: 1, bulk_ratio: 0.8 }
const URGENT_DOMAIN = '@urgent.test'
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const started = Date.now()
const deadline = started + TIME_LIMIT_S * 1000

const dir = benchEnvironment('urgent', {
  PUBLIC_URL: 'https://news.street.test',
  DELIVERY_CONCURRENCY: String(CONCURRENCY),
  DELIVERY_URGENT_CONCURRENCY: String(URGENT_CONCURRENCY),
  DELIVERY_BATCH_SIZE: process.env.DELIVERY_BATCH_SIZE || '500',
})

const { startChild, ask: askChild, run } = benchHarness(dir, TIME_LIMIT_S)

type SmtpCount = { count: number; checked: number; firstFault: string | null; marked: number; markedFirstAt: number | null }
// The SMTP server in a process of its own, so it does not share the sender's event loop.
const { child: smtpChild, ready: smtpReady } = await startChild<{ url: string }>('_smtp-child.ts', [URGENT_DOMAIN])
const ask = (cmd: 'count' | 'reset') => askChild<SmtpCount>(smtpChild, { cmd })

// Email only: the announcement's web-push delivery is recorded as not configured.
Object.assign(process.env, { SMTP_URL: smtpReady.url, MAIL_FROM: '聚焦徐碧 <news@street.test>' })

const { initPayload } = await import('../../src/server/payload')
const { startScheduler } = await import('../../src/jobs/scheduler')
const { closeDeliveryChannels } = await import('../../src/delivery/channels')
const { newRef } = await import('../../src/collections/Subscribers')
const { doc, p } = await import('../../src/seed/lexical')

/** Poll the SMTP server until `done` holds; returns the last count and when `done` first held. */
async function waitSmtp(what: string, done: (c: SmtpCount) => boolean): Promise<{ c: SmtpCount; at: number }> {
  for (;;) {
    const c = await ask('count')
    if (c.firstFault) throw new Error(`a sampled message failed its check: ${c.firstFault}`)
    if (done(c)) return { c, at: Date.now() }
    if (Date.now() > deadline) throw new Error(`time limit reached waiting for ${what} (${c.count} messages)`)
    await sleep(10)
  }
}

await run(async () => {
  out(`urgent benchmark${quick ? ' (quick)' : ''}: ${N} bulk subscribers, ${RESIDENTS} in the urgent grid, concurrency ${CONCURRENCY} + urgent ${URGENT_CONCURRENCY}, fresh SQLite in ${dir}`)
  const payload = await initPayload()
  const noTx = { transactionID: undefined } as never
  const community = await payload.create({ collection: 'communities', data: { code: 'A', name: '甲社区' } as never, overrideAccess: true })
  const mkGrid = (code: string, name: string) => payload.create({ collection: 'grids', data: { code, name, community: community.id, households: 400 } as never, overrideAccess: true })
  const bulkGrid = await mkGrid('A-01', '甲一网格')
  const urgentGrid = await mkGrid('A-02', '甲二网格')
  const warmGrid = await mkGrid('A-03', '甲三网格')

  // Seeded with native multi-row inserts, as the delivery benchmark does (set-up, not what is measured).
  const seeded = Date.now()
  const { sql } = await import('@payloadcms/db-sqlite')
  const drizzle = (payload.db as unknown as { drizzle: { run: (q: unknown) => Promise<unknown> } }).drizzle
  let nextId = 1
  async function seed(n: number, grid: string | number, email: (id: number) => string, topic: string) {
    for (let done = 0; done < n; ) {
      const ids = Array.from({ length: Math.min(400, n - done) }, () => nextId++)
      await drizzle.run(sql`INSERT INTO subscribers (id, email, grid_id, status, source, ref) VALUES ${sql.join(ids.map((id) => sql`(${id}, ${email(id)}, ${grid}, 'active', 'admin', ${newRef()})`), sql`, `)}`)
      await drizzle.run(sql`INSERT INTO subscribers_channels ("order", parent_id, value) VALUES ${sql.join(ids.map((id) => sql`(1, ${id}, 'email')`), sql`, `)}`)
      await drizzle.run(sql`INSERT INTO subscribers_topics ("order", parent_id, value) VALUES ${sql.join(ids.map((id) => sql`(1, ${id}, ${topic})`), sql`, `)}`)
      done += ids.length
    }
  }
  await seed(WARM, warmGrid.id, (id) => `w${id}@mail.test`, 'issues')
  await seed(N, bulkGrid.id, (id) => `r${id}@mail.test`, 'issues')
  await seed(RESIDENTS, urgentGrid.id, (id) => `u${id}${URGENT_DOMAIN}`, 'announcements')
  out(`seeded ${WARM + N + RESIDENTS} subscribers in ${((Date.now() - seeded) / 1000).toFixed(1)} s`)

  const scheduler = startScheduler(payload, '0 0 0 1 1 *')
  const body = doc(...Array.from({ length: 20 }, () => p('社区食堂今天开张，欢迎老人就餐。每天中午十一点至下午一点供应午餐，六十岁以上老人凭卡享受优惠。')))
  const publishIssue = async (title: string) => {
    const issue = await payload.create({
      collection: 'issues',
      data: { title, summary: '本期摘要：社区食堂开张，老年助餐点同步启用。', articles: [{ title: '社区食堂开张', body }], _status: 'published' } as never,
      overrideAccess: true,
    })
    const { docs } = await payload.db.find({ collection: 'deliveries', where: { and: [{ contentId: { equals: String(issue.id) } }, { channel: { equals: 'email' } }] }, limit: 1, pagination: false })
    return docs[0] as { id: string | number }
  }
  const statusOf = async (id: string | number) => (await payload.db.findOne<{ id: string | number; status: string }>({ collection: 'deliveries', where: { id: { equals: id } } }))?.status
  const untilDone = async (id: string | number) => {
    while ((await statusOf(id)) !== 'done') {
      if (Date.now() > deadline) throw new Error(`time limit reached waiting for delivery ${id}`)
      await sleep(50)
    }
  }

  // ---- warm-up (JIT, SMTP connections, SQLite pages), then its audience leaves.
  const warm = await publishIssue('预热')
  await waitSmtp('the warm-up', (c) => c.count >= WARM)
  await untilDone(warm.id)
  await payload.db.updateMany({ collection: 'subscribers', where: { grid: { equals: warmGrid.id } }, data: { status: 'unsubscribed' }, req: noTx })
  await ask('reset')

  // ---- bulk alone.
  let t = Date.now()
  const alone = await publishIssue('第十二期：社区食堂开张')
  const aloneEnd = await waitSmtp('the bulk delivery alone', (c) => c.count >= N)
  const aloneS = (aloneEnd.at - t) / 1000
  await untilDone(alone.id)
  out(`bulk alone: ${Math.round(N / aloneS)}/s`)
  await ask('reset')

  // ---- bulk with an urgent announcement published a quarter of the way through.
  t = Date.now()
  const withUrgent = await publishIssue('第十三期：老年助餐点启用')
  const quarter = await waitSmtp('a quarter of the bulk delivery', (c) => c.count >= Math.floor(N / 4))
  const publishedAt = Date.now()
  const ann = await payload.create({
    collection: 'announcements',
    data: { title: '紧急：今晚八点停电', grids: [urgentGrid.id], body: doc(p('甲二网格今晚八点至十点停电，请提前准备。')), urgent: true, _status: 'published' } as never,
    overrideAccess: true,
  })
  const urgentDone = await waitSmtp('the urgent delivery', (c) => c.marked >= RESIDENTS)
  const firstUrgentS = (urgentDone.c.markedFirstAt! - publishedAt) / 1000
  const withEnd = await waitSmtp('the bulk delivery with the urgent one', (c) => c.count - c.marked >= N)
  const withS = (withEnd.at - t) / 1000
  await untilDone(withUrgent.id)
  const { docs: urgentRows } = await payload.db.find({ collection: 'deliveries', where: { contentId: { equals: String(ann.id) } }, limit: 0, pagination: false })
  const urgentEmail = (urgentRows as unknown as { channel: string; status: string; submitted?: number }[]).find((d) => d.channel === 'email')
  if (urgentEmail?.status !== 'done' || urgentEmail.submitted !== RESIDENTS) throw new Error(`urgent email delivery: ${JSON.stringify(urgentEmail)}`)
  // The bulk delivery's own pace while the urgent one ran beside it (information: a short window).
  const bulkDuring = urgentDone.c.count - urgentDone.c.marked - quarter.c.count
  const duringS = (urgentDone.at - quarter.at) / 1000
  out(`bulk with urgent: ${Math.round(N / withS)}/s; first urgent message ${firstUrgentS.toFixed(3)} s after its publish`)

  await scheduler.stop()
  const r = (x: number) => Math.round(x * 1000) / 1000
  const figures = {
    bench: 'urgent',
    subscribers: N,
    urgent_recipients: RESIDENTS,
    concurrency: CONCURRENCY,
    urgent_concurrency: URGENT_CONCURRENCY,
    urgent_first_message_s: r(firstUrgentS),
    urgent_all_s: r((urgentDone.at - publishedAt) / 1000),
    bulk_per_s: r(N / withS),
    bulk_alone_per_s: r(N / aloneS),
    bulk_ratio: r(aloneS / withS),
    bulk_during_urgent_per_s: r(bulkDuring / duringS),
    wall_s: r((Date.now() - started) / 1000),
    target_max_urgent_first_message_s: TARGETS.urgent_first_message_s,
    target_min_bulk_ratio: TARGETS.bulk_ratio,
  }
  const exitCode = verdict([
    figures.urgent_first_message_s > TARGETS.urgent_first_message_s && 'urgent_first_message_s',
    figures.bulk_ratio < TARGETS.bulk_ratio && 'bulk_ratio',
  ])
  await closeDeliveryChannels()
  await payload.destroy()
  out(JSON.stringify(figures))
  return exitCode
})
