import type { PayloadHandler, PayloadRequest } from 'payload'
import { ValidationError } from 'payload'

import { type Id, isEditor, sameId, scopedGridIds } from '../access'
import { audit } from '../hooks/audit'
import { type Lang, langOf, t } from '../i18n/messages'
import { DashboardError } from './dashboard'
import { optionsFromQuery } from './dashboardEndpoint'
import { relayCsv } from './relayCsv'
import { relayReport } from './relayCoverage'
import { buildingList, scopedContentGrids } from './relayLeaders'

/**
 * The grid leaders' endpoints of issue 18, under /api/offline-reach:
 * - GET  buildings?content=type:id[&grid=id]: the building list (relayLeaders.ts);
 * - POST log (a plain form, or JSON): the leader's offline reach for a content and grid;
 * - GET  report?content=…[&grid=] and report.csv: relay, offline and coverage figures
 *   (relayCoverage.ts), the CSV written to the audit log.
 * Scoped like the dashboard: editors every grid, grid leaders their grids; another
 * grid asked for by name is refused with 403, an announcement of another grid is 404.
 */

const paramsOf = (req: PayloadRequest) => req.searchParams ?? new URL(req.url ?? '', 'http://localhost').searchParams

function contentOf(params: URLSearchParams, lang: Lang): { type: string; id: string } {
  const opts = optionsFromQuery(params, lang)
  if (!opts.contentType || !opts.contentId) throw new DashboardError(400, 'readership.error.content', 'content')
  return { type: opts.contentType, id: String(opts.contentId) }
}

function refusal(err: unknown, lang: Lang): Response {
  if (!(err instanceof DashboardError)) throw err
  const message = t(err.key, lang)
  return Response.json({ message, errors: err.field ? [{ field: err.field, message }] : [] }, { status: err.status })
}

const forbidden = (lang: Lang) => Response.json({ message: t('readership.error.forbidden', lang), errors: [] }, { status: 403 })
const noStore = { 'Cache-Control': 'private, no-store' }

const buildingsHandler: PayloadHandler = async (req) => {
  const lang = langOf(req)
  if (!req.user) return forbidden(lang)
  try {
    const params = paramsOf(req)
    const c = contentOf(params, lang)
    return Response.json(await buildingList(req, c.type, c.id, { grid: params.get('grid') }), { headers: noStore })
  } catch (err) {
    return refusal(err, lang)
  }
}

const reportHandler: PayloadHandler = async (req) => {
  const lang = langOf(req)
  if (!req.user) return forbidden(lang)
  try {
    const params = paramsOf(req)
    const c = contentOf(params, lang)
    return Response.json(await relayReport(req, c.type, c.id, { grid: params.get('grid'), lang }), { headers: noStore })
  } catch (err) {
    return refusal(err, lang)
  }
}

const csvHandler: PayloadHandler = async (req) => {
  const lang = langOf(req)
  if (!req.user) return forbidden(lang)
  try {
    const params = paramsOf(req)
    const c = contentOf(params, lang)
    const report = await relayReport(req, c.type, c.id, { grid: params.get('grid'), lang })
    const { text, rows } = relayCsv(report, lang)
    await audit(req, 'export', { collection: 'offline-reach', id: String(report.content.id), title: report.content.title }, t('relayLeaders.export.auditDetail', 'zh', { rows, title: report.content.title, grids: report.grids.map((g) => g.grid.code).join('、') || '—' }))
    const day = new Date().toISOString().slice(0, 10)
    return new Response(`\ufeff${text}`, {
      status: 200,
      headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="relay-${report.content.type}-${report.content.id}-${day}.csv"`, ...noStore },
    })
  } catch (err) {
    return refusal(err, lang)
  }
}

const FIGURES = ['doorHouseholds', 'phoneHouseholds', 'posters'] as const

async function fieldsOf(req: PayloadRequest): Promise<{ form: boolean; values: Record<string, string> }> {
  const type = req.headers.get('content-type') ?? ''
  if (type.includes('application/json')) {
    const body = (await req.json?.().catch(() => ({}))) as Record<string, unknown>
    return { form: false, values: Object.fromEntries(Object.entries(body ?? {}).map(([k, v]) => [k, String(v ?? '')])) }
  }
  const data = await req.formData?.().catch(() => null)
  const values: Record<string, string> = {}
  data?.forEach((v, k) => (values[k] = String(v)))
  return { form: true, values }
}

/** Save (create or update) one content × grid row as the caller, through the collection's access and bounds. */
const logHandler: PayloadHandler = async (req) => {
  const lang = langOf(req)
  if (!req.user) return forbidden(lang)
  const { form, values } = await fieldsOf(req)
  const back = (query: string) => new Response(null, { status: 303, headers: { Location: `/admin/relay?content=${encodeURIComponent(values.content ?? '')}&${query}` } })
  try {
    const c = contentOf(new URLSearchParams({ content: values.content ?? '' }), lang)
    const grid = values.grid ?? ''
    const { content, grids } = await scopedContentGrids(req, c.type, c.id, grid || null)
    if (!grid || !grids.length) throw new DashboardError(403, 'readership.error.forbidden')
    const mine = await scopedGridIds(req)
    if (!isEditor(req.user) && !(req.user.role === 'grid-leader' && mine.some((g) => sameId(g, grid)))) throw new DashboardError(403, 'readership.error.forbidden')
    const data: Record<string, unknown> = { contentType: content.type, contentId: String(content.id), grid: grids[0].id }
    for (const f of FIGURES) {
      const raw = (values[f] ?? '').trim()
      data[f] = raw === '' ? 0 : /^\d{1,7}$/.test(raw) ? Number(raw) : Number.NaN
    }
    const { docs } = await req.payload.find({
      collection: 'offline-reach',
      where: { and: [{ contentType: { equals: content.type } }, { contentId: { equals: String(content.id) } }, { grid: { equals: grids[0].id } }] },
      limit: 1,
      depth: 0,
      overrideAccess: true,
      req,
    })
    const existing = docs[0] as { id: Id } | undefined
    const saved = existing
      ? await req.payload.update({ collection: 'offline-reach', id: existing.id, data: data as never, overrideAccess: false, user: req.user, req })
      : await req.payload.create({ collection: 'offline-reach', data: data as never, overrideAccess: false, user: req.user, req })
    return form ? back(`saved=${encodeURIComponent(String(grids[0].id))}`) : Response.json({ doc: saved }, { status: existing ? 200 : 201 })
  } catch (err) {
    if (err instanceof ValidationError) {
      const message = err.data.errors.map((e) => e.message).join('；')
      return form ? back(`error=${encodeURIComponent(message)}`) : Response.json({ message, errors: err.data.errors }, { status: 400 })
    }
    if (form && err instanceof DashboardError) return back(`error=${encodeURIComponent(t(err.key, lang))}`)
    return refusal(err, lang)
  }
}

/** Registered in the engine registry (server/engine.ts); the offline-reach collection serves them. */
export const RELAY_LEADER_ENDPOINTS = { relayBuildings: buildingsHandler, relayReport: reportHandler, relayReportCsv: csvHandler, relayLog: logHandler } satisfies Record<string, PayloadHandler>
