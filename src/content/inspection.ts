import type { Payload, Where } from 'payload'

import type { Id } from '../model/ids'
import { CONTENT_SLUGS } from '../model/content'
import { CHECK_RECORDS, type CheckRecord } from './checkRecords'
import { allGrids, publishedBetween, STREET_COLUMNS, wechatPublications, type GridRef, type Publication } from './publications'

/**
 * The inspection report (issue 16): what a street office hands to the district
 * when asked, for one period [from, to): publications per column and the
 * longest stretch without one; each content's review steps (the 三审 evidence:
 * who submitted, approved, returned and published it, when); the pre-publish
 * checks' findings, fixed and overridden with their reasons; dead links found
 * and fixed; corrections and withdrawals. Read from the content, the WeChat
 * deliveries, the audit log and the checks' history (check-records).
 */
const DAY_MS = 86_400_000
const AUDIT = 'audit-log'
const CHUNK = 100

export type Step = { action: string; who: string; at: string; detail?: string | null }
export type ColumnRow = {
  key: string
  kind: 'issues' | 'events' | 'policies' | 'announcements' | 'wechat-publish' | 'wechat-mass'
  grid?: GridRef
  count: number
  /** Longest stretch inside the period without a publication, counted from its start to its end (or now). */
  longestGap: { days: number; from: string; to: string }
}
export type ContentRow = { collection: string; id: string; title: string; publishedAt: string; withdrawnAt?: string | null; steps: Step[] }
export type FindingRow = {
  collection: string
  id: string
  title: string
  kind: string
  severity: string
  path: string
  text: string
  firstSeenAt: string
  fixedAt: string | null
  state: 'fixed' | 'overridden' | 'open'
}
export type EventRow = { collection: string; id: string; title: string; who: string; at: string; detail?: string | null }

export type InspectionReport = {
  from: string
  to: string
  generatedAt: string
  columns: ColumnRow[]
  contents: ContentRow[]
  findings: FindingRow[]
  deadLinks: FindingRow[]
  overrides: EventRow[]
  corrections: EventRow[]
  withdrawals: (EventRow & { action: 'unpublish' | 'delete' })[]
  totals: { publications: number; findingsFound: number; findingsFixed: number; findingsOverridden: number; deadLinksFound: number; deadLinksFixed: number; overrides: number; corrections: number; withdrawals: number }
}

type AuditRow = { id: Id; action: string; actorName?: string | null; targetCollection?: string | null; targetId?: string | null; targetTitle?: string | null; detail?: string | null; createdAt: string }

/** Every audit entry a filter selects, oldest first (paged, so a long period never loads one huge page). */
async function auditEntries(payload: Payload, where: Where): Promise<AuditRow[]> {
  const out: AuditRow[] = []
  for (let page = 1; page <= 1000; page++) {
    const r = await payload.find({ collection: AUDIT, where, sort: 'createdAt', page, limit: 500, depth: 0, overrideAccess: true })
    out.push(...(r.docs as unknown as AuditRow[]))
    if (!r.hasNextPage) break
  }
  return out
}

/** A stored date as ISO text, whichever adapter read it. */
const iso = (v: unknown) => new Date(v as string).toISOString()
const chunks = <T>(list: T[]) => Array.from({ length: Math.ceil(list.length / CHUNK) }, (_, i) => list.slice(i * CHUNK, (i + 1) * CHUNK))
const inPeriod = (from: Date, to: Date): Where => ({ and: [{ createdAt: { greater_than_equal: from.toISOString() } }, { createdAt: { less_than: to.toISOString() } }] })

/** The longest stretch without a publication inside [from, end), the period's edges counting as its ends. */
export function longestGap(times: readonly string[], from: Date, end: Date): ColumnRow['longestGap'] {
  const points = [from.getTime(), ...times.map((t) => Date.parse(t)).filter((t) => t >= from.getTime() && t < end.getTime()).sort((a, b) => a - b), end.getTime()]
  let best = { ms: -1, from: points[0], to: points[0] }
  for (let i = 1; i < points.length; i++) if (points[i] - points[i - 1] > best.ms) best = { ms: points[i] - points[i - 1], from: points[i - 1], to: points[i] }
  return { days: Math.floor(Math.max(0, best.ms) / DAY_MS), from: new Date(best.from).toISOString(), to: new Date(best.to).toISOString() }
}

const eventOf = (e: AuditRow): EventRow => ({ collection: e.targetCollection ?? '', id: e.targetId ?? '', title: e.targetTitle ?? '', who: e.actorName ?? '', at: iso(e.createdAt), detail: e.detail ?? null })

type Stored = { id: Id; title?: string | null; publishedAt?: string | null; withdrawnAt?: string | null; checksOverride?: { covers?: string | null } | null }

/** Contents by id, as stored now (their first publication, withdrawal, override). */
async function contentsById(payload: Payload, collection: string, ids: string[]): Promise<Map<string, Stored>> {
  const out = new Map<string, Stored>()
  for (const part of chunks([...new Set(ids)])) {
    const { docs } = await payload.find({
      collection: collection as never,
      where: { id: { in: part } },
      limit: part.length,
      depth: 0,
      overrideAccess: true,
      select: { title: true, publishedAt: true, withdrawnAt: true, checksOverride: true } as never,
    })
    for (const d of docs as unknown as Stored[]) out.set(String(d.id), d)
  }
  return out
}

/** The report for [from, to) as of `now` (a period still running ends at now). */
export async function inspectionReport(payload: Payload, { from, to, now = new Date() }: { from: Date; to: Date; now?: Date }): Promise<InspectionReport> {
  const end = new Date(Math.min(to.getTime(), now.getTime()))

  // ---- publications per column
  const columns: ColumnRow[] = []
  const published: Publication[] = []
  for (const slug of STREET_COLUMNS) {
    const pubs = await publishedBetween(payload, slug, from, to)
    published.push(...pubs)
    columns.push({ key: slug, kind: slug, count: pubs.length, longestGap: longestGap(pubs.map((p) => p.at), from, end) })
  }
  const notices = await publishedBetween(payload, 'announcements', from, to)
  published.push(...notices)
  const articles = (await wechatPublications(payload)).filter((p) => p.at >= from.toISOString() && p.at < to.toISOString())
  for (const mass of [false, true]) {
    const list = articles.filter((p) => p.mass === mass)
    const kind = mass ? 'wechat-mass' : 'wechat-publish'
    columns.push({ key: kind, kind, count: list.length, longestGap: longestGap(list.map((p) => p.at), from, end) })
  }
  for (const grid of await allGrids(payload)) {
    const list = notices.filter((n) => n.grids?.includes(String(grid.id)))
    columns.push({ key: `announcements:${grid.id}`, kind: 'announcements', grid, count: list.length, longestGap: longestGap(list.map((p) => p.at), from, end) })
  }

  // ---- review steps of each content published in the period (any time up to the period's end)
  const contents: ContentRow[] = []
  for (const slug of CONTENT_SLUGS) {
    const mine = published.filter((p) => p.collection === slug)
    if (!mine.length) continue
    const stored = await contentsById(payload, slug, mine.map((p) => String(p.id)))
    const steps = new Map<string, Step[]>()
    for (const part of chunks(mine.map((p) => String(p.id)))) {
      const where: Where = {
        and: [
          { targetCollection: { equals: slug } },
          { targetId: { in: part } },
          { action: { in: ['submit', 'approve', 'return', 'publish', 'checks-override'] } },
          { createdAt: { less_than: to.toISOString() } },
        ],
      }
      for (const e of await auditEntries(payload, where)) {
        const list = steps.get(e.targetId ?? '') ?? []
        list.push({ action: e.action, who: e.actorName ?? '', at: iso(e.createdAt), detail: e.detail ?? null })
        steps.set(e.targetId ?? '', list)
      }
    }
    for (const p of mine) {
      const id = String(p.id)
      contents.push({ collection: slug, id, title: p.title, publishedAt: iso(p.at), withdrawnAt: stored.get(id)?.withdrawnAt ?? null, steps: steps.get(id) ?? [] })
    }
  }
  contents.sort((a, b) => a.publishedAt.localeCompare(b.publishedAt))

  // ---- overrides, corrections, withdrawals (audit entries in the period)
  const period = inPeriod(from, to)
  const overrides = (await auditEntries(payload, { and: [period, { action: { equals: 'checks-override' } }] })).map(eventOf)
  const publishEntries = await auditEntries(payload, { and: [period, { action: { equals: 'publish' } }] })
  const corrections: EventRow[] = []
  for (const slug of CONTENT_SLUGS) {
    const mine = publishEntries.filter((e) => e.targetCollection === slug)
    // A publication of content published before (by an earlier entry): a correction published, or a re-publication after a withdrawal.
    for (const part of chunks([...new Set(mine.map((e) => e.targetId ?? ''))])) {
      const all = await auditEntries(payload, { and: [{ targetCollection: { equals: slug } }, { targetId: { in: part } }, { action: { equals: 'publish' } }, { createdAt: { less_than: to.toISOString() } }] })
      const firstOf = new Map<string, string | number>()
      for (const e of all) if (!firstOf.has(e.targetId ?? '')) firstOf.set(e.targetId ?? '', e.id)
      for (const e of mine) if (part.includes(e.targetId ?? '') && String(firstOf.get(e.targetId ?? '')) !== String(e.id)) corrections.push(eventOf(e))
    }
  }
  corrections.sort((a, b) => a.at.localeCompare(b.at))
  const gone = await auditEntries(payload, { and: [period, { action: { in: ['unpublish', 'delete'] } }, { targetCollection: { in: [...CONTENT_SLUGS] } }] })
  const withdrawals = gone.map((e) => ({ ...eventOf(e), action: e.action as 'unpublish' | 'delete' }))

  // ---- check findings alive in the period, with what became of them
  const { findings, deadLinks } = await findingsIn(payload, from, to)

  const fixedIn = (list: FindingRow[]) => list.filter((f) => f.fixedAt && f.fixedAt >= from.toISOString() && f.fixedAt < to.toISOString()).length
  const foundIn = (list: FindingRow[]) => list.filter((f) => f.firstSeenAt >= from.toISOString()).length
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    generatedAt: now.toISOString(),
    columns,
    contents,
    findings,
    deadLinks,
    overrides,
    corrections,
    withdrawals,
    totals: {
      publications: published.length + articles.length,
      findingsFound: foundIn(findings),
      findingsFixed: fixedIn(findings),
      findingsOverridden: findings.filter((f) => f.state === 'overridden').length,
      deadLinksFound: foundIn(deadLinks),
      deadLinksFixed: fixedIn(deadLinks),
      overrides: overrides.length,
      corrections: corrections.length,
      withdrawals: withdrawals.length,
    },
  }
}

/** Findings seen before the period's end and not fixed before its start; dead links apart. */
async function findingsIn(payload: Payload, from: Date, to: Date): Promise<{ findings: FindingRow[]; deadLinks: FindingRow[] }> {
  const where: Where = {
    and: [{ firstSeenAt: { less_than: to.toISOString() } }, { or: [{ fixedAt: { exists: false } }, { fixedAt: { greater_than_equal: from.toISOString() } }] }],
  }
  const records: CheckRecord[] = []
  for (let page = 1; page <= 1000; page++) {
    const r = await payload.find({ collection: CHECK_RECORDS as never, where, sort: 'firstSeenAt', page, limit: 500, depth: 0, overrideAccess: true })
    records.push(...(r.docs as unknown as CheckRecord[]))
    if (!r.hasNextPage) break
  }
  const covers = new Map<string, Set<string>>()
  for (const slug of CONTENT_SLUGS) {
    const ids = records.filter((r) => r.contentType === slug).map((r) => r.contentId)
    if (!ids.length) continue
    for (const [id, d] of await contentsById(payload, slug, ids)) covers.set(`${slug}:${id}`, new Set((d.checksOverride?.covers ?? '').split(/\s+/).filter(Boolean)))
  }
  const rows = records.map((r): FindingRow => {
    const fixedAt = r.fixedAt ? iso(r.fixedAt) : null
    const fixed = fixedAt != null && fixedAt < to.toISOString()
    const overridden = !fixed && Boolean(covers.get(`${r.contentType}:${r.contentId}`)?.has(r.key))
    return {
      collection: r.contentType,
      id: r.contentId,
      title: r.title ?? '',
      kind: r.kind,
      severity: r.severity,
      path: r.path ?? '',
      text: r.text ?? '',
      firstSeenAt: iso(r.firstSeenAt),
      fixedAt: fixed ? fixedAt : null,
      state: fixed ? 'fixed' : overridden ? 'overridden' : 'open',
    }
  })
  return { findings: rows.filter((r) => r.kind !== 'dead-link'), deadLinks: rows.filter((r) => r.kind === 'dead-link') }
}
