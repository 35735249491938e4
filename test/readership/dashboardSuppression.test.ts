import { describe, expect, it } from 'vitest'

import { buildReport, type ContentRef, type DashboardRow, type Figure, type GridInfo, READ_CHANNELS_SHOWN } from '../../src/readership/dashboard'
import type { ReadChannel } from '../../src/collections/Readership'
import { SuppressionTable } from '../../src/readership/dashboardSuppression'

/**
 * The small-group rule, without a database: every figure from 1 to k−1 shows
 * as "<k" (a zero is shown), and no hidden figure can be worked out by
 * subtraction. The attacker here is independent of the code under test: it
 * knows every shown figure (zeros included) and every sum the table is made
 * of (each column over the rows, each row's readers over its channels, its
 * message readers over email and push, and its readers over message readers,
 * share and site, which the data makes exact), and, again and again until it
 * learns nothing new: solves every sum with one unknown, and pins the parts of
 * a "<k" total made of k−1 or more "<k" parts (each must be 1).
 */
const K = 3
const content: ContentRef = { type: 'issues', id: 1, title: '第一期', number: 1, publishedAt: null, summary: '', grids: null }

type Truth = {
  grid: string
  subscribers: number | null
  submitted: number | null
  readers: number
  /** Readers through email or push (null where nothing was sent: the unattributed reads). */
  messageReaders: number | null
  channels: Record<string, number>
  opens: number | null
}

function rollupsOf(truth: Truth[]) {
  const rows: { grid: string; channel: ReadChannel; submitted: number; readers: number; openReaders: number }[] = []
  for (const t of truth) {
    // Split over two days, as the job writes first-seen readers per day.
    const half = (n: number) => Math.floor(n / 2)
    for (const [day, part] of [[0, half], [1, (n: number) => n - half(n)]] as const) {
      void day
      rows.push({ grid: t.grid, channel: 'all', submitted: part(t.submitted ?? 0), readers: part(t.readers), openReaders: 0 })
      if (t.messageReaders !== null) rows.push({ grid: t.grid, channel: 'messages', submitted: part(t.submitted ?? 0), readers: part(t.messageReaders), openReaders: 0 })
      for (const ch of READ_CHANNELS_SHOWN) rows.push({ grid: t.grid, channel: ch, submitted: 0, readers: part(t.channels[ch]), openReaders: ch === 'email' ? part(t.opens ?? 0) : 0 })
    }
  }
  return rows
}

/** What the attacker can learn: every cell it can pin down, by name. */
function attack(rows: DashboardRow[], total: DashboardRow) {
  const known = new Map<string, number>()
  const cells: string[] = []
  const name = (row: number | 'T', measure: string) => `${row}:${measure}`
  const all = [...rows.map((r, i) => [i, r] as const), ['T', total] as const]
  const measures = (r: DashboardRow): [string, Figure][] => [
    ['subscribers', r.subscribers],
    ['submitted', r.submitted],
    ['readers', r.readers],
    ['messageReaders', r.messageReaders],
    ...READ_CHANNELS_SHOWN.map((c): [string, Figure] => [`ch.${c}`, r.channels[c]]),
    ['opens', r.opens],
  ]
  for (const [i, r] of all)
    for (const [m, f] of measures(r)) {
      if (f.state === 'na') continue
      cells.push(name(i, m))
      if (f.state === 'shown') known.set(name(i, m), f.value!)
    }
  const sums: { total: string; parts: string[] }[] = []
  for (const m of ['subscribers', 'submitted', 'readers', 'messageReaders', ...READ_CHANNELS_SHOWN.map((c) => `ch.${c}`), 'opens'])
    sums.push({ total: name('T', m), parts: rows.map((_, i) => name(i, m)).filter((c) => cells.includes(c)) })
  for (const [i] of all) {
    sums.push({ total: name(i, 'readers'), parts: READ_CHANNELS_SHOWN.map((c) => name(i, `ch.${c}`)).filter((c) => cells.includes(c)) })
    if (!cells.includes(name(i, 'messageReaders'))) continue
    sums.push({ total: name(i, 'messageReaders'), parts: [name(i, 'ch.email'), name(i, 'ch.webpush')] })
    sums.push({ total: name(i, 'readers'), parts: [name(i, 'messageReaders'), name(i, 'ch.share'), name(i, 'ch.site')] })
  }
  const small = new Set(all.flatMap(([i, r]) => measures(r).filter(([, f]) => f.state === 'small').map(([m]) => name(i, m))))
  for (let learned = true; learned; ) {
    learned = false
    for (const s of sums) {
      const unknown = [s.total, ...s.parts].filter((c) => cells.includes(c) && !known.has(c))
      const unknownParts = s.parts.filter((p) => cells.includes(p) && !known.has(p))
      const partsKnownSum = s.parts.filter((p) => known.has(p)).reduce((a, p) => a + known.get(p)!, 0)
      if (small.has(s.total) && partsKnownSum === 0 && unknownParts.length >= K - 1 && unknownParts.every((p) => small.has(p))) {
        for (const p of unknownParts) known.set(p, 1)
        learned = true
        continue
      }
      if (unknown.length !== 1) continue
      const partsKnown = s.parts.filter((p) => known.has(p)).reduce((a, p) => a + known.get(p)!, 0)
      known.set(unknown[0], unknown[0] === s.total ? partsKnown : known.get(s.total)! - partsKnown)
      learned = true
    }
  }
  // And what a set of hidden parts adds up to, where the total is known.
  const hiddenSums = sums
    .filter((s) => known.has(s.total))
    .map((s) => ({ s, unknown: s.parts.filter((p) => !known.has(p)) }))
    .filter(({ unknown }) => unknown.length > 0)
    .map(({ s, unknown }) => ({ cells: unknown, sum: known.get(s.total)! - s.parts.filter((p) => known.has(p)).reduce((a, p) => a + known.get(p)!, 0) }))
  return { known, hiddenSums }
}

function truthValue(truth: Truth[], cell: string): number {
  const [row, measure] = cell.split(':')
  const pick = (t: Truth) => (measure.startsWith('ch.') ? t.channels[measure.slice(3)] : (t[measure as 'readers'] as number | null) ?? 0)
  if (row === 'T') return truth.reduce((a, t) => a + (['subscribers', 'submitted', 'messageReaders', 'opens'].includes(measure) && t.grid === '' ? 0 : pick(t)), 0)
  return pick(truth[Number(row)])
}

/** A small deterministic generator: reproducible tables full of small counts. */
function rng(seed: number) {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32)
}

function randomTruth(next: () => number): { truth: Truth[]; grids: GridInfo[] } {
  const n = 1 + Math.floor(next() * 6)
  const grids: GridInfo[] = Array.from({ length: n }, (_, i) => ({ id: i + 1, code: `G-${i + 1}`, name: `网格${i + 1}`, community: '甲', households: 300 + i }))
  const count = () => (next() < 0.5 ? Math.floor(next() * 3) : Math.floor(next() * 30))
  const truth: Truth[] = grids.map((g) => {
    const channels = Object.fromEntries(READ_CHANNELS_SHOWN.map((c) => [c, count()]))
    const readers = Object.values(channels).reduce((a, b) => a + b, 0)
    return { grid: String(g.id), subscribers: count(), submitted: readers + count(), readers, messageReaders: channels.email + channels.webpush, channels, opens: count() }
  })
  if (next() < 0.5) {
    const channels = { email: 0, webpush: 0, share: count(), site: count() }
    truth.push({ grid: '', subscribers: null, submitted: null, readers: channels.share + channels.site, messageReaders: null, channels, opens: null })
  }
  return { truth, grids }
}

function check(truth: Truth[], grids: GridInfo[]) {
  const subscribers = new Map(truth.filter((t) => t.grid).map((t) => [t.grid, t.subscribers!]))
  const report = buildReport(content, rollupsOf(truth), grids, subscribers, { unattributed: true, k: K, lang: 'zh' })
  const rows = report.rows
  expect(rows.map((r) => (r.kind === 'grid' ? String(r.grid!.id) : ''))).toEqual(truth.map((t) => t.grid))
  const { known, hiddenSums } = attack(rows, report.total)
  // Shown figures are the truth; every small figure shows as "<3", and nothing the attacker pins down is hidden.
  for (const [cell, value] of known) expect(value, cell).toBe(truthValue(truth, cell))
  const all = [...rows, report.total]
  all.forEach((r, i) => {
    const row = r === report.total ? 'T' : String(i)
    const figures: [string, Figure][] = [
      ['subscribers', r.subscribers],
      ['submitted', r.submitted],
      ['readers', r.readers],
      ['messageReaders', r.messageReaders],
      ...READ_CHANNELS_SHOWN.map((c): [string, Figure] => [`ch.${c}`, r.channels[c]]),
      ['opens', r.opens],
    ]
    for (const [m, f] of figures) {
      if (f.state === 'na') continue
      const value = truthValue(truth, `${row}:${m}`)
      // 1..k−1: "<k", or withheld ("—") where "<k" would pin its parts; 0 and k+: the figure, or withheld.
      if (value > 0 && value < K) expect([`<${K}`, '—'], `${row}:${m}`).toContain(f.display)
      else expect(f.display, `${row}:${m}`).toBe(f.state === 'shown' ? String(value) : '—')
      if (f.state !== 'shown') {
        expect(f.value, `${row}:${m}`).toBeNull()
        expect(known.has(`${row}:${m}`), `${row}:${m} worked out by subtraction`).toBe(false)
      }
    }
    // A rate is shown only beside the counts it comes from.
    if (r.readRate.state === 'shown') expect(r.messageReaders.state === 'shown' && r.submitted.state === 'shown').toBe(true)
    if (r.readRate.state === 'shown') expect(r.readRate.value).toBe(r.messageReaders.value! / r.submitted.value!)
    if (r.reach.state === 'shown') expect(r.readers.state).toBe('shown')
    if (r.messageReaders.state !== 'shown') expect(r.readRate.state).not.toBe('shown')
    if (r.readers.state !== 'shown') expect(r.reach.state).not.toBe('shown')
  })
  // What can be subtracted out of a total is never a small group either (a zero is no group).
  for (const h of hiddenSums) if (h.sum > 0) expect(h.sum, h.cells.join('+')).toBeGreaterThanOrEqual(K)
  return report
}

describe('small-group rule', () => {
  it('suppression table: a lone small part takes the smallest other part with it; a lone part takes the total', () => {
    const t = new SuppressionTable(3)
    const a = t.cell(12)
    const b = t.cell(5)
    const c = t.cell(1)
    const total = t.cell(18)
    t.sum(total, [a, b, c])
    t.run()
    expect([t.state(a), t.state(b), t.state(c), t.state(total)]).toEqual(['shown', 'hidden', 'small', 'shown'])

    const u = new SuppressionTable(3)
    const only = u.cell(2)
    const sum = u.cell(2)
    u.sum(sum, [only])
    u.run()
    expect([u.state(only), u.state(sum)]).toEqual(['small', 'small'])

    // Two small parts of 1 would give away "2 between them": a third part is hidden too.
    const v = new SuppressionTable(3)
    const parts = [v.cell(1), v.cell(1), v.cell(40), v.cell(50)]
    const vt = v.cell(92)
    v.sum(vt, parts)
    v.run()
    expect(parts.map((p) => v.state(p))).toEqual(['small', 'small', 'hidden', 'shown'])
    expect(v.state(vt)).toBe('shown')

    // Zeros are shown; two "<3" parts of a "<3" total would each be 1: the total is withheld.
    const w = new SuppressionTable(3)
    const wp = [w.cell(1), w.cell(1), w.cell(0)]
    const wt = w.cell(2)
    w.sum(wt, wp)
    w.run()
    expect(wp.map((p) => w.state(p))).toEqual(['small', 'small', 'shown'])
    expect(w.state(wt)).toBe('hidden')
  })

  it('a total minus the other grids does not give away a small grid (the subtraction case)', () => {
    // B-01 has 1 reader; the street has 22; A-01 12, A-02 5, unattributed 4.
    const ch = (email: number, webpush: number, share: number, site: number) => ({ email, webpush, share, site })
    const truth: Truth[] = [
      { grid: '1', subscribers: 5, submitted: 40, readers: 12, messageReaders: 9, channels: ch(6, 3, 0, 3), opens: 20 },
      { grid: '2', subscribers: 4, submitted: 20, readers: 5, messageReaders: 5, channels: ch(5, 0, 0, 0), opens: 9 },
      { grid: '3', subscribers: 3, submitted: 30, readers: 1, messageReaders: 1, channels: ch(1, 0, 0, 0), opens: 0 },
      { grid: '', subscribers: null, submitted: null, readers: 4, messageReaders: null, channels: ch(0, 0, 0, 4), opens: null },
    ]
    const grids: GridInfo[] = [1, 2, 3].map((id) => ({ id, code: `G-${id}`, name: `网格${id}`, community: '甲', households: 400 }))
    const report = check(truth, grids)
    const [g1, g2, g3, u] = report.rows
    expect(report.total.readers.display).toBe('22')
    expect(g3.readers.display).toBe('<3')
    // 22 − 12 − 5 − 4 would be B-01's 1: one more grid's readers are hidden beside it.
    expect([g1.readers, g2.readers, u.readers].filter((f) => f.state === 'hidden')).toHaveLength(1)
    expect(g1.readers.display).toBe('12')
    // Read rate: the 9 who read through their mail or push of the 40 it was sent to.
    expect(g1.readRate.display).toBe('22.5%')
    expect(g1.reach.display).toBe('3.0%')
    expect(g3.readRate.display).toBe('—')
    expect(g3.reach.display).toBe('—')
  })

  it('one grid in view: its small figure takes the total row with it', () => {
    const truth: Truth[] = [{ grid: '1', subscribers: 8, submitted: 30, readers: 2, messageReaders: 2, channels: { email: 2, webpush: 0, share: 0, site: 0 }, opens: 5 }]
    const report = check(truth, [{ id: 1, code: 'B-01', name: '乙一', community: '乙', households: 480 }])
    expect(report.rows[0].readers.display).toBe('<3')
    expect(report.total.readers.display).toBe('<3')
    expect(report.total.subscribers.display).toBe('8')
    expect(report.rows[0].opens.display).toBe('5')
  })

  it('email-only grids keep their read rate: no share or site readers is a zero, not a secret', () => {
    const ch = (email: number) => ({ email, webpush: 0, share: 0, site: 0 })
    const truth: Truth[] = [
      { grid: '1', subscribers: 45, submitted: 40, readers: 20, messageReaders: 20, channels: ch(20), opens: 25 },
      { grid: '2', subscribers: 33, submitted: 30, readers: 9, messageReaders: 9, channels: ch(9), opens: 12 },
    ]
    const grids: GridInfo[] = [1, 2].map((id) => ({ id, code: `G-${id}`, name: `网格${id}`, community: '甲', households: 400 }))
    const report = check(truth, grids)
    expect(report.rows.map((r) => [r.readRate.display, r.reach.display, r.channels.share.display])).toEqual([
      ['50.0%', '5.0%', '0'],
      ['30.0%', '2.3%', '0'],
    ])
    expect(report.total.readRate.display).toBe('41.4%')
  })

  it('random tables full of small counts: nothing small is shown or worked out', () => {
    const next = rng(20261127)
    for (let i = 0; i < 300; i++) {
      const { truth, grids } = randomTruth(next)
      check(truth, grids)
    }
  })
})
