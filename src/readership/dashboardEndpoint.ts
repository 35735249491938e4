import type { PayloadHandler, PayloadRequest } from 'payload'

import { audit } from '../hooks/audit'
import { type Lang, langOf, type MessageKey, t } from '../i18n/messages'
import { csvLine } from '../lib/csv'
import { streetDay } from '../templates/format'
import { type DashboardData, dashboardData, DashboardError, type DashboardOptions, type DashboardRow, READ_CHANNELS_SHOWN } from './dashboard'

/**
 * GET /api/read-rollups/dashboard[?content=issues:12&from=&to=&issues=]: the
 * dashboard as JSON, scoped to the caller; GET /api/read-rollups/dashboard.csv
 * the same figures as CSV (UTF-8 with a byte-order mark for Excel, cells safe
 * from formula injection), each export written to the audit log.
 */
export function optionsFromQuery(params: URLSearchParams, lang: Lang): DashboardOptions {
  const opts: DashboardOptions = { lang }
  const content = params.get('content')
  if (content !== null) {
    const m = /^([a-z]+):([A-Za-z0-9_-]{1,64})$/.exec(content)
    if (!m) throw new DashboardError(400, 'readership.error.content', 'content')
    opts.contentType = m[1]
    opts.contentId = m[2]
  }
  for (const field of ['from', 'to'] as const) {
    const v = params.get(field)
    if (v) opts[field] = v
  }
  const issues = params.get('issues')
  if (issues !== null) {
    if (!/^\d{1,3}$/.test(issues)) throw new DashboardError(400, 'readership.error.issues', 'issues')
    opts.issues = Number(issues)
  }
  return opts
}

function refusal(err: unknown, lang: Lang): Response {
  if (!(err instanceof DashboardError)) throw err
  const message = t(err.key, lang)
  return Response.json({ message, errors: err.field ? [{ field: err.field, message }] : [] }, { status: err.status })
}

async function load(req: PayloadRequest): Promise<{ data: DashboardData; lang: Lang } | Response> {
  const lang = langOf(req)
  if (!req.user) return Response.json({ message: t('readership.error.forbidden', lang), errors: [] }, { status: 403 })
  try {
    const params = req.searchParams ?? new URL(req.url ?? '', 'http://localhost').searchParams
    return { data: await dashboardData(req.payload, req, optionsFromQuery(params, lang)), lang }
  } catch (err) {
    return refusal(err, lang)
  }
}

export const dashboardEndpoint: PayloadHandler = async (req) => {
  const loaded = await load(req)
  if (loaded instanceof Response) return loaded
  return Response.json(loaded.data, { headers: { 'Cache-Control': 'private, no-store' } })
}

const contentLabel = (type: string, lang: Lang) => t(`col.${type}.singular` as MessageKey, lang)

/** The CSV of a dashboard: one content's table per grid, or (without a content) one line per content. */
export function dashboardCsv(data: DashboardData, lang: Lang = 'zh'): { text: string; rows: number } {
  const h = (key: MessageKey) => t(key, lang)
  const channelHeads = READ_CHANNELS_SHOWN.map((c) => t('format.labelled', lang, { label: h('readership.col.byChannel'), value: h(`readership.channel.${c}` as MessageKey) }))
  const figures = (r: DashboardRow) => [
    r.subscribers.display,
    r.submitted.display,
    r.readers.display,
    r.messageReaders.display,
    r.readRate.display,
    r.reach.display,
    ...READ_CHANNELS_SHOWN.map((c) => r.channels[c].display),
    r.opens.display,
  ]
  const figureHeads = [
    h('readership.col.subscribers'),
    h('readership.col.submitted'),
    h('readership.col.readers'),
    h('readership.col.messageReaders'),
    h('readership.col.readRate'),
    h('readership.col.reach'),
    ...channelHeads,
    h('readership.col.opens'),
  ]
  const lines: string[] = []
  if (data.content) {
    const c = data.content
    lines.push(csvLine([h('readership.col.content'), h('readership.col.grid'), h('readership.col.gridName'), h('readership.col.community'), h('readership.col.households'), ...figureHeads]))
    for (const r of [...c.rows, c.total]) {
      const name = r.kind === 'grid' ? r.grid!.name : h(r.kind === 'total' ? 'readership.row.total' : 'readership.row.unattributed')
      lines.push(csvLine([c.content.title, r.grid?.code ?? '', name, r.grid?.community ?? '', r.households ?? '', ...figures(r)]))
    }
  } else {
    lines.push(csvLine([h('readership.col.type'), h('readership.col.content'), h('readership.col.published'), h('readership.col.households'), ...figureHeads]))
    for (const { content, total } of data.contents) lines.push(csvLine([contentLabel(content.type, lang), content.title, streetDay(content.publishedAt), total.households ?? '', ...figures(total)]))
  }
  return { text: lines.join(''), rows: lines.length - 1 }
}

export const dashboardCsvEndpoint: PayloadHandler = async (req) => {
  const loaded = await load(req)
  if (loaded instanceof Response) return loaded
  const { data, lang } = loaded
  const { text, rows } = dashboardCsv(data, lang)
  const what = data.content ? `${data.content.content.type}-${data.content.content.id}` : 'overview'
  await audit(
    req,
    'export',
    { collection: 'read-rollups', id: data.content ? String(data.content.content.id) : null, title: data.content?.content.title ?? null },
    t('readership.export.auditDetail', 'zh', { rows, what: data.content ? `${contentLabel(data.content.content.type, 'zh')}《${data.content.content.title}》` : t('readership.overview', 'zh') }),
  )
  const day = new Date().toISOString().slice(0, 10)
  return new Response(`\ufeff${text}`, {
    status: 200,
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="readership-${what}-${day}.csv"`,
      'Cache-Control': 'private, no-store',
    },
  })
}
