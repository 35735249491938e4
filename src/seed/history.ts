import { sql } from '@payloadcms/db-sqlite'
import type { Payload } from 'payload'

import { DEMO_CONTENT } from '../hooks/deliveries'
import type { Id } from '../model/ids'
import { ROLLUP_DAYS, rollupReadership } from '../readership/rollup'
import { insertReadEvents, type ReadEventRow } from '../readership/store'
import { inSqliteWriteTurn } from '../store/sqlite'
import { streetDay } from '../templates/format'
import { doc, p } from './lexical'
import { rng } from './street'

/**
 * Three months of readership for the demo street, so every dashboard has
 * figures on first start: past event notices, policy explainers and grid
 * announcements (never sent: demo content), and reads of every demo content
 * per grid and channel, fading over the days after publication.
 *
 * Days before the rollup's window are written as final rollup rows (as the
 * rollup leaves them once raw events expire); days inside it as raw read
 * events, which the rollup then turns into rows as it does every 5 minutes,
 * so the job never finds rows it cannot explain and deletes them.
 *
 * The embedded SQLite database only: MongoDB is production and never gets
 * demo data (src/server/main.ts never seeds it; this refuses it too). Runs
 * once: a database with any rollup row already has its own history.
 */
export const HISTORY_DAYS = 90

type Past = { collection: 'events' | 'policies' | 'announcements'; daysAgo: number; title: string; summary: string; body: string; grids?: number[] }

/** The past contents, oldest first (grids: indexes into the demo street's grids, for announcements). */
export const HISTORY_CONTENT: Past[] = [
  { collection: 'policies', daysAgo: 86, title: '老旧小区改造居民意见征集说明', summary: '改造内容、投票方式和时间安排，一户一票，请在 10 天内反馈。', body: '改造包括外墙、管网、电梯加装和停车位，方案经三分之二以上住户同意后实施。' },
  { collection: 'events', daysAgo: 78, title: '重阳节敬老文艺汇演', summary: '社区文艺队为辖区 80 岁以上老人献上节目，现场提供免费测血压。', body: '欢迎家属陪同老人参加，活动结束后发放重阳糕。' },
  { collection: 'announcements', daysAgo: 69, title: '碧湖小区电梯年度维保通知', summary: '1 至 6 号楼电梯将依次停运半天进行年度维保，请合理安排出行。', body: '维保期间如有老人、病人需要上下楼，请联系网格长协助。', grids: [0] },
  { collection: 'policies', daysAgo: 61, title: '电动自行车停放充电管理规定解读', summary: '禁止在楼道、户内充电，小区集中充电棚按小时计费。', body: '违规停放充电的，物业和网格长将先劝导，拒不整改的依法处理。' },
  { collection: 'events', daysAgo: 49, title: '秋季消防安全演练', summary: '演示灭火器使用和高层疏散，每户派一人参加。', body: '演练当天上午 9 点在徐碧社区文化广场集合，消防车将进入小区，请勿占用消防通道。' },
  { collection: 'announcements', daysAgo: 40, title: '徐碧新村垃圾分类投放点调整', summary: '3 号投放点迁至 5 号楼东侧，定时投放时间不变。', body: '调整后每天 7:00–9:00、18:00–20:00 有督导员值守。', grids: [1] },
  { collection: 'events', daysAgo: 27, title: '社区义诊进网格', summary: '三明市第一医院专家进网格，提供内科、眼科、口腔义诊。', body: '请携带医保卡和既往病历，行动不便的居民可提前联系网格长预约上门。' },
  { collection: 'policies', daysAgo: 17, title: '城乡居民养老保险缴费提醒', summary: '年度缴费档次和政府补贴标准，多缴多补。', body: '可通过“闽政通”或到社区服务站缴费，60 岁以上老人可由家属代办。' },
  { collection: 'announcements', daysAgo: 10, title: '碧湖小区燃气管道安全检查', summary: '燃气公司工作人员将入户检查，请认准工作证。', body: '检查不收取任何费用，如遇收费或推销，请拨打便民热线。', grids: [0, 2] },
]

type Grid = { id: Id; households: number }
type ContentRef = { type: string; id: Id; publishedAt: Date; grids: Grid[] }
type Row = { key: string; type: string; id: string; grid: string; channel: string; day: string; submitted: number; opens: number; openReaders: number; reads: number; readers: number }

/** How a content's readers spread over the days after publication. */
const FADE = [0.5, 0.2, 0.12, 0.07, 0.05, 0.03, 0.03]
const DAY = 86_400_000

async function pastContents(payload: Payload, grids: Grid[], now: number): Promise<ContentRef[]> {
  const out: ContentRef[] = []
  for (const c of HISTORY_CONTENT) {
    const at = new Date(now - c.daysAgo * DAY)
    at.setHours(10, 0, 0, 0)
    const found = await payload.find({ collection: c.collection, where: { title: { equals: c.title } }, limit: 1, depth: 0, overrideAccess: true })
    const mine = c.grids?.map((i) => grids[i]) ?? []
    const common = { title: c.title, summary: c.summary, body: doc(p(c.body)), publishedAt: at.toISOString(), _status: 'published' as const }
    const data =
      c.collection === 'events'
        ? { ...common, startsAt: new Date(at.getTime() + 5 * DAY).toISOString(), endsAt: new Date(at.getTime() + 5 * DAY + 3 * 3600_000).toISOString(), location: '徐碧社区文化广场', wholeStreet: true }
        : c.collection === 'policies'
          ? { ...common, issuingBody: '徐碧街道办事处', effectiveDate: at.toISOString() }
          : { ...common, grids: mine.map((g) => g.id), review: { status: 'none' } }
    const created =
      (found.docs[0] as { id: Id } | undefined) ??
      ((await payload.create({ collection: c.collection, data: data as never, overrideAccess: true, context: { [DEMO_CONTENT]: true } })) as unknown as { id: Id })
    out.push({ type: c.collection, id: created.id, publishedAt: at, grids: c.collection === 'announcements' ? mine : grids })
  }
  return out
}

/** The figures of one content in one grid, day by day: rows for days before the window, events inside it. */
function readsOf(c: ContentRef, g: Grid, random: () => number, now: number, windowStart: string, rows: Row[], events: ReadEventRow[]) {
  const between = (lo: number, hi: number) => lo + random() * (hi - lo)
  const subscribers = Math.round(g.households * between(0.12, 0.3))
  const submitted = { email: Math.round(subscribers * 0.55), webpush: Math.round(subscribers * 0.45) }
  const readers = {
    email: Math.round(submitted.email * between(0.25, 0.45)),
    webpush: Math.round(submitted.webpush * between(0.15, 0.3)),
    share: Math.round(g.households * between(0.01, 0.05)),
    site: Math.round(g.households * between(0.003, 0.015)),
  }
  const openReaders = Math.max(readers.email, Math.round(submitted.email * between(0.4, 0.6)))
  const grid = String(g.id)
  const id = String(c.id)
  const share = (n: number, d: number) => (d === FADE.length - 1 ? n - FADE.slice(0, d).reduce((s, f) => s + Math.round(n * f), 0) : Math.round(n * FADE[d]))
  for (let d = 0; d < FADE.length; d++) {
    const at = new Date(c.publishedAt.getTime() + d * DAY + Math.floor(random() * 8) * 3600_000)
    if (at.getTime() > now) break
    const day = streetDay(at)
    const perChannel = (Object.keys(readers) as (keyof typeof readers)[]).map((channel) => ({ channel, n: share(readers[channel], d) }))
    const opened = share(openReaders, d)
    if (day >= windowStart) {
      // Inside the rollup's window: the raw events, which the rollup counts.
      for (const { channel, n } of perChannel)
        for (let i = 0; i < n; i++) events.push({ contentType: c.type, contentId: id, grid, channel, kind: 'read', reader: `demo-${c.type}-${id}-${grid}-${channel}-${d}-${i}`, at })
      for (let i = 0; i < opened; i++) events.push({ contentType: c.type, contentId: id, grid, channel: 'email', kind: 'open', reader: `demo-${c.type}-${id}-${grid}-open-${d}-${i}`, at })
      continue
    }
    const first = d === 0
    const row = (channel: string, n: number, extra: Partial<Row> = {}) =>
      rows.push({ key: `${c.type}:${id}:${grid}:${channel}:${day}`, type: c.type, id, grid, channel, day, submitted: 0, opens: 0, openReaders: 0, reads: Math.round(n * between(1.1, 1.5)), readers: n, ...extra })
    for (const { channel, n } of perChannel) {
      const sent = first && (channel === 'email' || channel === 'webpush') ? submitted[channel] : 0
      row(channel, n, { submitted: sent, ...(channel === 'email' ? { openReaders: opened, opens: Math.round(opened * 1.4) } : {}) })
    }
    const messages = perChannel.filter((x) => x.channel === 'email' || x.channel === 'webpush').reduce((s, x) => s + x.n, 0)
    const sent = first ? submitted.email + submitted.webpush : 0
    row('messages', messages, { submitted: sent, openReaders: opened, opens: Math.round(opened * 1.4) })
    row('all', perChannel.reduce((s, x) => s + x.n, 0), { submitted: sent, openReaders: opened, opens: Math.round(opened * 1.4) })
  }
}

async function insertRows(payload: Payload, rows: Row[]) {
  const db = payload.db as unknown as { drizzle: { run: (q: unknown) => Promise<unknown> } }
  for (let i = 0; i < rows.length; i += 400) {
    const values = sql.join(
      rows.slice(i, i + 400).map((r) => sql`(${r.key}, ${r.type}, ${r.id}, ${r.grid}, ${r.channel}, ${r.day}, ${r.submitted}, ${r.opens}, ${r.openReaders}, ${r.reads}, ${r.readers})`),
      sql`, `,
    )
    await inSqliteWriteTurn(payload, () =>
      db.drizzle.run(
        sql`INSERT INTO read_rollups (key, content_type, content_id, grid, channel, day, submitted, opens, open_readers, reads, readers) VALUES ${values} ON CONFLICT (key) DO NOTHING`,
      ),
    )
  }
}

/**
 * Load the history (see above). `recent` are the demo's own contents (the
 * issue, event, explainer and announcement seedDemo made). Returns what it
 * wrote, or why it wrote nothing.
 */
export async function seedDemoHistory(
  payload: Payload,
  grids: Grid[],
  recent: ContentRef[],
  now = Date.now(),
): Promise<{ skipped: string } | { contents: number; rows: number; events: number }> {
  const log = payload.logger.child({ component: 'seed' })
  if ((payload.db as { name?: string } | undefined)?.name !== 'sqlite') {
    log.info('demo readership history skipped: the embedded SQLite database only')
    return { skipped: 'not-sqlite' }
  }
  if ((await payload.count({ collection: 'read-rollups', overrideAccess: true })).totalDocs > 0) return { skipped: 'has-rollups' }
  const contents = [...(await pastContents(payload, grids, now)), ...recent]
  const windowStart = streetDay(new Date(now - (ROLLUP_DAYS - 1) * DAY))
  const random = rng(20261206)
  const rows: Row[] = []
  const events: ReadEventRow[] = []
  for (const c of contents) for (const g of c.grids) readsOf(c, g, random, now, windowStart, rows, events)
  await insertRows(payload, rows)
  for (let i = 0; i < events.length; i += 2000) await insertReadEvents(payload, events.slice(i, i + 2000))
  await rollupReadership(payload, { now: new Date(now) })
  log.info({ contents: contents.length, rows: rows.length, events: events.length, days: HISTORY_DAYS }, 'demo readership history ready')
  return { contents: contents.length, rows: rows.length, events: events.length }
}
