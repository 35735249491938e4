import type { Endpoint, PayloadHandler } from 'payload'

import { isAdmin } from '../access'
import { inspectionReport } from '../content/inspection'
import { reportCsv } from '../content/inspectionCsv'
import { type Lang, langOf, t } from '../i18n/messages'
import { streetDay } from '../templates/format'
import { audit } from './audit'
import { streetDayStart } from './auditLog'

/**
 * The inspection report over the API, admins only: GET
 * /api/inspection/report?from=YYYY-MM-DD&to=YYYY-MM-DD as JSON and
 * /api/inspection/report.csv as a CSV download (UTF-8 with a byte-order
 * mark, formula-safe cells); the download is recorded in the audit log.
 * Days are the street's (TZ), both included; without them, the last 30 days.
 */
export type Period = { fromDay: string; toDay: string; from: Date; to: Date }
export type PeriodProblem = { field: 'from' | 'to'; message: string }

const DAY = /^\d{4}-\d{2}-\d{2}$/
const MAX_DAYS = 366
const validDay = (v: string) => {
  const d = new Date(`${v}T00:00:00Z`)
  return DAY.test(v) && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v
}
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)

/** The period a query string asks for, or what is wrong with it. */
export function readPeriod(params: URLSearchParams, lang: Lang = 'zh', now = new Date()): { period: Period | null; problems: PeriodProblem[] } {
  const problems: PeriodProblem[] = []
  const get = (k: string) => (params.get(k) ?? '').trim()
  const toDay = get('to') || streetDay(now)
  const fromDay = get('from') || addDays(toDay, -29)
  for (const [field, v] of [['from', fromDay], ['to', toDay]] as const) if (!validDay(v)) problems.push({ field, message: t('inspect.error.date', lang) })
  if (!problems.length && (fromDay > toDay || addDays(fromDay, MAX_DAYS) <= toDay)) problems.push({ field: 'from', message: t('inspect.error.range', lang) })
  if (problems.length) return { period: null, problems }
  return { period: { fromDay, toDay, from: streetDayStart(fromDay), to: streetDayStart(addDays(toDay, 1)) }, problems }
}

const handler =
  (format: 'json' | 'csv'): PayloadHandler =>
  async (req) => {
    const lang = langOf(req)
    if (!isAdmin(req.user)) return Response.json({ message: t('inspect.adminsOnly', lang), errors: [] }, { status: 403 })
    const params = req.searchParams ?? new URL(req.url ?? '', 'http://localhost').searchParams
    const { period, problems } = readPeriod(params, lang)
    if (!period) return Response.json({ message: t('inspect.error.invalid', lang), errors: problems }, { status: 400 })
    const report = await inspectionReport(req.payload, { from: period.from, to: period.to })
    if (format === 'json') return Response.json({ period: { from: period.fromDay, to: period.toDay }, ...report }, { headers: { 'Cache-Control': 'private, no-store' } })
    const csv = reportCsv(report, lang, { from: period.fromDay, to: period.toDay })
    await audit(req, 'export', { collection: 'inspection' }, t('audit.detail.inspectionExport', 'zh', { from: period.fromDay, to: period.toDay }))
    return new Response(`\ufeff${csv}`, {
      status: 200,
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="inspection-${period.fromDay}-${period.toDay}.csv"`,
        'Cache-Control': 'private, no-store',
      },
    })
  }

export const inspectionEndpoints: Endpoint[] = [
  { path: '/inspection/report', method: 'get', handler: handler('json') },
  { path: '/inspection/report.csv', method: 'get', handler: handler('csv') },
]
