import iconv from 'iconv-lite'
import type { Endpoint, PayloadHandler } from 'payload'

import type { StaffUser } from '../access'
import { planStreetImport, type StreetPlan } from '../grids/streetPlan'
import { streetExportLines, writeStreetPlan } from '../grids/streetWrite'
import { audit } from '../hooks/audit'
import { type Lang, langOf, t } from '../i18n/messages'
import { adminsOnly, NO_STORE, readImportForm, refuse } from './SubscribersTools'

/**
 * The street's structure as one CSV, for admins (it holds the building
 * heads' phones): POST /api/grids/import (multipart: file, encoding
 * auto|utf-8|gbk, mode dry-run|import) and GET
 * /api/grids/export.csv[?encoding=gbk]. The admin view /admin/street-tools
 * calls them (src/components/StreetToolsView.tsx). A check answers its
 * report (every bad line by line, column and reason; 422 and nothing
 * written when there is one); an import writes, then answers the same
 * report with what it did. Every import and export is in the audit log.
 */
export type StreetReport = {
  dryRun: boolean
  encoding: string | null
  total: number
  problems: StreetPlan['problems']
  skipped: never[]
  counts: StreetPlan['counts']
  summary: string
}

function reportOf(plan: StreetPlan, dryRun: boolean, lang: Lang): StreetReport {
  const vars = { total: plan.total, encoding: plan.encoding ?? '—', ...plan.counts }
  const summary = plan.problems.length
    ? t('tools.import.summaryBad', lang, vars)
    : t(dryRun ? 'tools.street.summaryDry' : 'tools.street.summaryDone', lang, vars)
  return { dryRun, encoding: plan.encoding, total: plan.total, problems: plan.problems, skipped: [], counts: plan.counts, summary }
}

const importHandler: PayloadHandler = async (req) => {
  const lang = langOf(req)
  const form = await readImportForm(req, lang, 'tools.street.adminsOnly')
  if (form instanceof Response) return form
  const { file, encoding, dryRun } = form
  const { payload } = req
  const log = payload.logger.child({ component: 'street-import' })
  const user = req.user as StaffUser
  const plan = await planStreetImport(payload, file, encoding)
  log.info({ dryRun, total: plan.total, problems: plan.problems.length, ...plan.counts, by: user.id }, 'street import checked')
  // Nothing is written unless every line is good.
  if (dryRun || plan.problems.length) return Response.json(reportOf(plan, dryRun, lang), { status: plan.problems.length ? 422 : 200, headers: NO_STORE })
  try {
    await writeStreetPlan(payload, plan)
  } catch (err) {
    const detail = (err as Error).message.slice(0, 300)
    log.error({ err }, 'street import stopped')
    await audit(req, 'import', { collection: 'grids' }, t('tools.street.auditFailed', 'zh', { detail })).catch((e) => log.error({ err: e }, 'audit entry of an import failed'))
    return refuse(500, t('tools.street.failed', lang, { detail }))
  }
  await audit(req, 'import', { collection: 'grids' }, t('tools.street.auditImport', 'zh', { total: plan.total, ...plan.counts }))
  log.info({ ...plan.counts, by: user.id }, 'street import finished')
  return Response.json(reportOf(plan, false, lang), { status: 200, headers: NO_STORE })
}

const exportHandler: PayloadHandler = async (req) => {
  const refused = adminsOnly(req, langOf(req), 'tools.street.adminsOnly')
  if (refused) return refused
  const gbk = req.searchParams?.get('encoding') === 'gbk'
  const lines = await streetExportLines(req.payload)
  const text = lines.join('')
  // Excel opens UTF-8 CSV correctly only with a byte-order mark.
  const bytes = gbk ? new Uint8Array(iconv.encode(text, 'gbk')) : new TextEncoder().encode(`\ufeff${text}`)
  await audit(req, 'export', { collection: 'grids' }, t('tools.street.auditExport', 'zh', { n: lines.length - 1, encoding: gbk ? 'GBK' : 'UTF-8' }))
  return new Response(bytes, {
    status: 200,
    headers: {
      'Content-Type': `text/csv; charset=${gbk ? 'gbk' : 'utf-8'}`,
      'Content-Disposition': `attachment; filename="street-${new Date().toISOString().slice(0, 10)}.csv"`,
      ...NO_STORE,
    },
  })
}

/** The grids collection's street tools; `custom.upload` holds the import to UPLOAD_LIMIT (src/server/bodyLimit.ts). */
export const streetToolEndpoints: Endpoint[] = [
  { path: '/import', method: 'post', handler: importHandler, custom: { upload: true } },
  { path: '/export.csv', method: 'get', handler: exportHandler },
]
