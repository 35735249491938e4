import { kindLabel, pathLabel } from '../checks'
import type { FindingKind } from '../checks/types'
import { type Lang, type MessageKey, t } from '../i18n/messages'
import { csvLine } from '../lib/csv'
import { formatDateTime } from '../templates/format'
import { columnLabel } from './freshness'
import type { EventRow, FindingRow, InspectionReport } from './inspection'

/**
 * The inspection report as words and as one CSV (sections one after the
 * other, each with its title row and header row), every cell formula-safe
 * (lib/csv.ts). The admin view (components/InspectionView.tsx) shows the
 * same rows.
 */
const PERSONAL = new Set(['id-number', 'mobile', 'bank-card', 'personal-name'])

export const typeLabel = (collection: string, lang: Lang) =>
  ['issues', 'events', 'policies', 'announcements'].includes(collection) ? t(`col.${collection}.singular` as MessageKey, lang) : collection
export const actionLabel = (action: string, lang: Lang) => t(`audit.${action}` as MessageKey, lang)
export const when = (v: string | null | undefined) => (v ? formatDateTime(v) : '')
export const findingText = (f: FindingRow, lang: Lang) => (PERSONAL.has(f.kind) ? t('inspect.personalHidden', lang) : f.text)

export type Table = { title: MessageKey; heads: MessageKey[]; rows: string[][] }

/** Every section of the report as a table of words. */
export function reportTables(r: InspectionReport, lang: Lang): Table[] {
  const findingRows = (list: FindingRow[]) =>
    list.map((f) => [
      typeLabel(f.collection, lang),
      f.id,
      f.title,
      kindLabel(f.kind as FindingKind, lang),
      t(f.severity === 'serious' ? 'check.severity.serious' : 'check.severity.warning', lang),
      f.path ? pathLabel(f.path, lang) : '',
      findingText(f, lang),
      when(f.firstSeenAt),
      when(f.fixedAt),
      t(`inspect.state.${f.state}`, lang),
    ])
  const findingHeads: MessageKey[] = ['inspect.col.type', 'inspect.col.id', 'inspect.col.title', 'inspect.col.kind', 'inspect.col.severity', 'inspect.col.field', 'inspect.col.text', 'inspect.col.found', 'inspect.col.fixed', 'inspect.col.state']
  const eventHeads: MessageKey[] = ['inspect.col.type', 'inspect.col.id', 'inspect.col.title', 'inspect.col.who', 'inspect.col.at', 'inspect.col.detail']
  const eventRows = (list: EventRow[]) => list.map((e) => [typeLabel(e.collection, lang), e.id, e.title, e.who, when(e.at), e.detail ?? ''])
  return [
    {
      title: 'inspect.section.columns',
      heads: ['inspect.col.column', 'inspect.col.count', 'inspect.col.gapDays', 'inspect.col.gapFrom', 'inspect.col.gapTo'],
      rows: r.columns.map((c) => [columnLabel(c, lang), String(c.count), String(c.longestGap.days), when(c.longestGap.from), when(c.longestGap.to)]),
    },
    {
      title: 'inspect.section.contents',
      heads: ['inspect.col.type', 'inspect.col.id', 'inspect.col.title', 'inspect.col.publishedAt', 'inspect.col.withdrawnAt', 'inspect.col.step', 'inspect.col.who', 'inspect.col.at', 'inspect.col.detail'],
      rows: r.contents.flatMap((c) => {
        const head = [typeLabel(c.collection, lang), c.id, c.title, when(c.publishedAt), when(c.withdrawnAt)]
        if (!c.steps.length) return [[...head, t('inspect.noSteps', lang), '', '', '']]
        return c.steps.map((s) => [...head, actionLabel(s.action, lang), s.who, when(s.at), s.detail ?? ''])
      }),
    },
    { title: 'inspect.section.findings', heads: findingHeads, rows: findingRows(r.findings) },
    { title: 'inspect.section.deadLinks', heads: findingHeads, rows: findingRows(r.deadLinks) },
    { title: 'inspect.section.overrides', heads: [...eventHeads.slice(0, 5), 'inspect.col.reason'], rows: eventRows(r.overrides) },
    { title: 'inspect.section.corrections', heads: eventHeads, rows: eventRows(r.corrections) },
    {
      title: 'inspect.section.withdrawals',
      heads: ['inspect.col.action', ...eventHeads],
      rows: r.withdrawals.map((w, i) => [actionLabel(w.action, lang), ...eventRows([r.withdrawals[i]])[0]]),
    },
  ]
}

/** The CSV text (no byte-order mark: the endpoint adds it). */
export function reportCsv(r: InspectionReport, lang: Lang, period: { from: string; to: string }): string {
  const lines = [csvLine([t('inspect.title', lang), t('inspect.period', lang, period)]), csvLine([t('inspect.summary', lang, r.totals)])]
  for (const table of reportTables(r, lang)) {
    lines.push('\r\n', csvLine([t(table.title, lang)]), csvLine(table.heads.map((h) => t(h, lang))))
    for (const row of table.rows) lines.push(csvLine(row))
  }
  return lines.join('')
}
