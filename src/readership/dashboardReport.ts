import type { ReadRollupDoc } from '../collections/Readership'
import { type Lang, t } from '../i18n/messages'
import { SuppressionTable } from './dashboardSuppression'
import { type ContentRef, type ContentReport, type DashboardRow, type Figure, type GridInfo, READ_CHANNELS_SHOWN, type ShownChannel } from './dashboardTypes'

/** The dashboard's figures from rollup rows: sums, the one suppression table per content, rates. Pure. */

const percent = (ratio: number) => `${(Math.round(ratio * 1000) / 10).toFixed(1)}%`
export const na = (): Figure => ({ value: null, display: '', state: 'na' })

export function figureOf(table: SuppressionTable, cell: number, lang: Lang): Figure {
  const state = table.state(cell)
  if (state === 'shown') return { value: table.value(cell), display: String(table.value(cell)), state }
  if (state === 'small') return { value: null, display: `<${table.k}`, state }
  return { value: null, display: t('readership.hidden', lang), state }
}

/** A rate is shown only when every count it comes from is. */
function rateOf(numerator: Figure, denominator: Figure | number | null, lang: Lang): Figure {
  if (denominator === null) return na()
  const d = typeof denominator === 'number' ? denominator : denominator.value
  if (numerator.value === null || d === null) return { value: null, display: t('readership.hidden', lang), state: 'hidden' }
  if (d <= 0) return na()
  const ratio = numerator.value / d
  return { value: ratio, display: percent(ratio), state: 'shown' }
}

type Sums = { submitted: number; readers: number; openReaders: number }
const zero = (): Sums => ({ submitted: 0, readers: 0, openReaders: 0 })

/** Rollup rows of one content summed over days: grid → channel → sums. */
function sumRows(rows: Pick<ReadRollupDoc, 'grid' | 'channel' | 'submitted' | 'readers' | 'openReaders'>[]) {
  const byGrid = new Map<string, Map<string, Sums>>()
  for (const r of rows) {
    const grid = r.grid ?? ''
    const channels = byGrid.get(grid) ?? new Map<string, Sums>()
    const s = channels.get(r.channel) ?? zero()
    s.submitted += r.submitted ?? 0
    s.readers += r.readers ?? 0
    s.openReaders += r.openReaders ?? 0
    channels.set(r.channel, s)
    byGrid.set(grid, channels)
  }
  return byGrid
}

/**
 * One content's table: a row per grid (and the unattributed reads for
 * editors), the total, all cut from one suppression table.
 *
 * Submitted and readers come from the 'all' rows (recipients and readers
 * across channels, a resident reading by two channels is one reader), message
 * readers from the 'messages' rows (email and push together, likewise);
 * readers by channel and opens from the channel rows.
 */
export function buildReport(
  content: ContentRef,
  rollups: Pick<ReadRollupDoc, 'grid' | 'channel' | 'submitted' | 'readers' | 'openReaders'>[],
  grids: GridInfo[],
  subscribers: Map<string, number>,
  opts: { unattributed: boolean; k: number; lang: Lang },
): Omit<ContentReport, 'wechat'> {
  const { k, lang } = opts
  const sums = sumRows(rollups)
  const table = new SuppressionTable(k)
  // A cell is null where the figure does not apply. Unattributed reads come
  // from share links and the site: no subscriber (so no subscribers,
  // submitted, opens) and no message (email, push) carries an empty grid.
  // Those zeros are structural, not small groups, and are left out.
  type Cells = {
    subscribers: number | null
    submitted: number | null
    readers: number
    messageReaders: number | null
    channels: Record<ShownChannel, number | null>
    opens: number | null
  }
  const cellsOf = (grid: string, subs: number | null): Cells => {
    const channels = sums.get(grid) ?? new Map<string, Sums>()
    const all = channels.get('all') ?? zero()
    const attributed = grid !== ''
    const fromMessages = (c: ShownChannel) => c === 'email' || c === 'webpush'
    return {
      subscribers: subs === null ? null : table.cell(subs),
      submitted: attributed ? table.cell(all.submitted) : null,
      readers: table.cell(all.readers),
      messageReaders: attributed ? table.cell(channels.get('messages')?.readers ?? 0) : null,
      channels: Object.fromEntries(
        READ_CHANNELS_SHOWN.map((c) => [c, attributed || !fromMessages(c) ? table.cell(channels.get(c)?.readers ?? 0) : null]),
      ) as Record<ShownChannel, number | null>,
      opens: attributed ? table.cell(channels.get('email')?.openReaders ?? 0) : null,
    }
  }
  const parts: { kind: 'grid' | 'unattributed'; grid: GridInfo | null; cells: Cells }[] = grids.map((g) => ({
    kind: 'grid',
    grid: g,
    cells: cellsOf(String(g.id), subscribers.get(String(g.id)) ?? 0),
  }))
  if (opts.unattributed && sums.has('')) parts.push({ kind: 'unattributed', grid: null, cells: cellsOf('', null) })

  // The total row is the sum of the rows shown, measure by measure.
  const add = (pick: (c: Cells) => number | null) => parts.reduce((s, p) => s + (pick(p.cells) === null ? 0 : table.value(pick(p.cells)!)), 0)
  const total: Cells = {
    subscribers: table.cell(add((c) => c.subscribers)),
    submitted: table.cell(add((c) => c.submitted)),
    readers: table.cell(add((c) => c.readers)),
    messageReaders: table.cell(add((c) => c.messageReaders)),
    channels: Object.fromEntries(READ_CHANNELS_SHOWN.map((ch) => [ch, table.cell(add((c) => c.channels[ch]))])) as Record<ShownChannel, number>,
    opens: table.cell(add((c) => c.opens)),
  }
  // Every sum the reader could subtract from: each column over the rows; each row's readers over its
  // channels, its message readers over email and push, and its readers over message readers, share and site
  // (all nearly exact: a resident reading by two channels is one reader).
  const column = (pick: (c: Cells) => number | null) =>
    table.sum(pick(total)!, parts.map((p) => pick(p.cells)).filter((c): c is number => c !== null))
  const present = (cells: (number | null)[]) => cells.filter((c): c is number => c !== null)
  column((c) => c.subscribers)
  column((c) => c.submitted)
  column((c) => c.readers)
  column((c) => c.messageReaders)
  for (const ch of READ_CHANNELS_SHOWN) column((c) => c.channels[ch])
  column((c) => c.opens)
  for (const cells of [total, ...parts.map((p) => p.cells)]) {
    table.sum(cells.readers, present(READ_CHANNELS_SHOWN.map((ch) => cells.channels[ch])))
    if (cells.messageReaders === null) continue
    table.sum(cells.messageReaders, present([cells.channels.email, cells.channels.webpush]))
    table.sum(cells.readers, present([cells.messageReaders, cells.channels.share, cells.channels.site]))
  }
  table.run()

  const rowOf = (kind: DashboardRow['kind'], grid: GridInfo | null, households: number | null, c: Cells): DashboardRow => {
    const fig = (cell: number | null) => (cell === null ? na() : figureOf(table, cell, lang))
    const readers = fig(c.readers)
    const messageReaders = fig(c.messageReaders)
    const submitted = fig(c.submitted)
    return {
      kind,
      grid,
      households,
      subscribers: fig(c.subscribers),
      submitted,
      readers,
      messageReaders,
      readRate: c.submitted === null ? na() : rateOf(messageReaders, submitted, lang),
      reach: rateOf(readers, households, lang),
      channels: Object.fromEntries(READ_CHANNELS_SHOWN.map((ch) => [ch, fig(c.channels[ch])])) as Record<ShownChannel, Figure>,
      opens: fig(c.opens),
    }
  }
  const households = grids.reduce((s, g) => s + g.households, 0)
  return {
    content,
    rows: parts.map((p) => rowOf(p.kind, p.grid, p.grid ? p.grid.households : null, p.cells)),
    total: rowOf('total', null, households, total),
  }
}
