import { Readable } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'

import Busboy from 'busboy'
import iconv from 'iconv-lite'
import type { Endpoint, PayloadHandler, PayloadRequest } from 'payload'

import { isAdmin, type StaffUser } from '../access'
import { audit } from '../hooks/audit'
import { type Lang, langOf, type MessageKey, t } from '../i18n/messages'
import { type Encoding, exportRows, type ImportPlan, importRow, IMPORT_BATCH, MAX_IMPORT_BYTES, planImport } from '../subscribers/csv'

/**
 * The subscribers' CSV tools, for admins (addresses are personal data):
 * POST /api/subscribers/import (multipart: file, encoding auto|utf-8|gbk,
 * mode dry-run|import) and GET /api/subscribers/export.csv[?encoding=gbk].
 * Payload authenticates the caller (its session cookie, accepted only from
 * the admin's own origin, or a JWT); the admin view /admin/subscriber-tools
 * calls them.
 *
 * A check (dry run, or any bad row) answers one JSON report. An import
 * answers NDJSON as it writes: the report, a progress line per batch, then
 * the outcome, so a large file keeps the connection busy instead of timing
 * out behind a proxy.
 */
type Answer = { message: string; errors: { field?: string; message: string }[] }

export const NO_STORE = { 'Cache-Control': 'no-store, no-transform' }

export function refuse(status: number, message: string, field?: string): Response {
  const body: Answer = { message, errors: [field ? { field, message } : { message }] }
  return Response.json(body, { status, headers: NO_STORE })
}

/** Anonymous callers get 401, staff who are not admins 403 (`forbidden` says why); null when the caller may go on. */
export function adminsOnly(req: PayloadRequest, lang: Lang, forbidden: MessageKey = 'tools.error.adminsOnly'): Response | null {
  if (!req.user) return refuse(401, t('tools.error.login', lang))
  if (!isAdmin(req.user as StaffUser)) return refuse(403, t(forbidden, lang))
  return null
}

export type ImportForm = { file: Buffer; encoding: Encoding; dryRun: boolean }

/** An admin's CSV import form (file, encoding, mode), or the answer refusing it (401, 403, 413, 400 naming the file). */
export async function readImportForm(req: PayloadRequest, lang: Lang, forbidden?: MessageKey): Promise<ImportForm | Response> {
  const refused = adminsOnly(req, lang, forbidden)
  if (refused) return refused
  const form = await readUpload(req)
  if (form.tooLarge) return refuse(413, t('import.error.tooLarge', lang, { mb: MAX_IMPORT_BYTES / 1024 / 1024 }), 'file')
  if (!form.file) return refuse(400, t('import.error.noFile', lang), 'file')
  const encoding = (['auto', 'utf-8', 'gbk'].includes(form.fields.encoding ?? '') ? form.fields.encoding : 'auto') as Encoding
  return { file: form.file, encoding, dryRun: form.fields.mode !== 'import' }
}

export type ImportReport = {
  dryRun: boolean
  encoding: string | null
  total: number
  ready: number
  problems: ImportPlan['problems']
  skipped: ImportPlan['skipped']
  /** The report in one sentence, as the view shows it. */
  summary: string
}

function reportOf(plan: ImportPlan, dryRun: boolean, lang: Lang): ImportReport {
  const key: MessageKey = plan.problems.length ? 'tools.import.summaryBad' : dryRun ? 'tools.import.summaryDry' : 'tools.import.summaryGo'
  const summary = t(key, lang, { total: plan.total, ready: plan.rows.length, skipped: plan.skipped.length, encoding: plan.encoding ?? '—' })
  return { dryRun, encoding: plan.encoding, total: plan.total, ready: plan.rows.length, problems: plan.problems, skipped: plan.skipped, summary }
}

const importHandler: PayloadHandler = async (req) => {
  const lang = langOf(req)
  const form = await readImportForm(req, lang)
  if (form instanceof Response) return form
  const { file, encoding, dryRun } = form
  const { payload } = req
  const log = payload.logger.child({ component: 'subscriber-import' })
  const user = req.user as StaffUser
  const plan = await planImport(payload, file, encoding)
  log.info({ dryRun, total: plan.total, problems: plan.problems.length, skipped: plan.skipped.length, ready: plan.rows.length, by: user.id }, 'subscriber import checked')
  const report = reportOf(plan, dryRun, lang)
  // Nothing is written unless every row is good.
  if (dryRun || plan.problems.length) return Response.json(report, { status: plan.problems.length ? 422 : 200, headers: NO_STORE })

  const encoder = new TextEncoder()
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      // A client that went away stops hearing, not the import.
      const send = (line: object) => {
        try {
          controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`))
        } catch {
          // closed
        }
      }
      send({ report })
      let created = 0
      let lost = 0
      let stopped = false
      try {
        for (let i = 0; i < plan.rows.length; i += IMPORT_BATCH) {
          for (const row of plan.rows.slice(i, i + IMPORT_BATCH)) (await importRow(payload, row)) ? created++ : lost++
          const done = Math.min(i + IMPORT_BATCH, plan.rows.length)
          send({ progress: { done, total: plan.rows.length }, message: t('tools.import.progress', lang, { done, total: plan.rows.length }) })
        }
        send({ done: { created, lost }, message: t('tools.import.done', lang, { created, lost }) })
      } catch (err) {
        stopped = true
        log.error({ err, created }, 'subscriber import stopped')
        send({ failed: { created }, message: t('tools.import.failed', lang, { created }) })
      }
      log.info({ created, skipped: plan.skipped.length + lost, by: user.id }, 'subscriber import finished')
      await audit(
        req,
        'import',
        { collection: 'subscribers' },
        stopped ? t('audit.detail.importStopped', 'zh', { created }) : t('audit.detail.import', 'zh', { created, skipped: plan.skipped.length + lost, total: plan.total }),
      ).catch((err) => log.error({ err }, 'audit entry of an import failed'))
      try {
        controller.close()
      } catch {
        // closed
      }
    },
  })
  // no-transform keeps compression from holding the progress lines back; X-Accel-Buffering does the same for nginx.
  return new Response(body, { status: 200, headers: { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'X-Accel-Buffering': 'no', ...NO_STORE } })
}

const exportHandler: PayloadHandler = async (req) => {
  const refused = adminsOnly(req, langOf(req))
  if (refused) return refused
  const gbk = req.searchParams?.get('encoding') === 'gbk'
  const { payload } = req
  const rows = exportRows(payload)
  let count = -1
  const body = new ReadableStream<Uint8Array>({
    // Excel opens UTF-8 CSV correctly only with a byte-order mark.
    start: (controller) => (gbk ? undefined : controller.enqueue(new TextEncoder().encode('\ufeff'))),
    async pull(controller) {
      const next = await rows.next()
      if (!next.done) {
        count++
        controller.enqueue(gbk ? new Uint8Array(iconv.encode(next.value, 'gbk')) : new TextEncoder().encode(next.value))
        return
      }
      await audit(req, 'export', { collection: 'subscribers' }, t('tools.export.auditDetail', 'zh', { n: count, encoding: gbk ? 'GBK' : 'UTF-8' }))
      controller.close()
    },
    cancel: async () => void (await rows.return(undefined)),
  })
  return new Response(body, {
    status: 200,
    headers: {
      'Content-Type': `text/csv; charset=${gbk ? 'gbk' : 'utf-8'}`,
      'Content-Disposition': `attachment; filename="subscribers-${new Date().toISOString().slice(0, 10)}.csv"`,
      ...NO_STORE,
    },
  })
}

export type Upload = { fields: Record<string, string>; file: Buffer | null; tooLarge: boolean }

/** A multipart form with one CSV file, capped at MAX_IMPORT_BYTES; small text fields only. */
export function readUpload(req: PayloadRequest): Promise<Upload> {
  return new Promise((resolve) => {
    const empty = { fields: {}, file: null, tooLarge: false }
    const type = req.headers.get('content-type')
    if (!type || !req.body) return resolve(empty)
    let bb: Busboy.Busboy
    try {
      bb = Busboy({ headers: { 'content-type': type }, limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 10, fieldSize: 1024 } })
    } catch {
      return resolve(empty)
    }
    const out: Upload = { fields: {}, file: null, tooLarge: false }
    bb.on('field', (name, value) => (out.fields[name] = value))
    bb.on('file', (_name, stream) => {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('limit', () => (out.tooLarge = true))
      stream.on('end', () => (out.file = Buffer.concat(chunks)))
    })
    bb.on('close', () => resolve(out))
    // A malformed or cut-off form holds no file to read.
    bb.on('error', () => resolve(empty))
    Readable.fromWeb(req.body as unknown as NodeReadableStream<Uint8Array>)
      .on('error', () => resolve(empty))
      .pipe(bb)
  })
}

/**
 * The subscribers collection's endpoints. `custom.upload` tells the API's
 * body cap (src/server/bodyLimit.ts) that this path takes a file: it is held
 * to UPLOAD_LIMIT, and MAX_IMPORT_BYTES is checked here, with its own message.
 */
export const subscriberToolEndpoints: Endpoint[] = [
  { path: '/import', method: 'post', handler: importHandler, custom: { upload: true } },
  { path: '/export.csv', method: 'get', handler: exportHandler },
]
