import Busboy from 'busboy'
import { type Request, type Response, Router } from 'express'
import iconv from 'iconv-lite'
import type { Payload, PayloadRequest } from 'payload'

import { isAdmin, isStaff, scopedGridIds, type StaffUser } from '../access'
import { audit } from '../hooks/audit'
import { t } from '../i18n/messages'
import { publicUrl } from '../server/env'
import { qrPng, qrSvg } from '../templates/qr'
import { errorPage, forbiddenPage, notFoundPage } from '../templates/site/pages'
import {
  doneLine,
  failedLine,
  importPageHead,
  importPageTail,
  progressLine,
  reportHtml,
  shareListPage,
  sharePage,
  subscribersToolPage,
} from '../templates/site/subscribeAdmin'
import type { PageContext } from '../templates/site/types'
import { feedPaths } from './feeds'
import { redirectToLogin, rendered, securityHeaders, sendPage, staffOfRequest } from './respond'
import { csrfToken, csrfValid } from './subscribeCsrf'
import { type Encoding, exportRows, importRow, MAX_IMPORT_BYTES, planImport } from './subscribeCsv'
import { paths } from '../templates/paths'
import { gridByCode, gridDirectory } from '../subscribers/service'

/**
 * /admin-tools: staff pages behind the admin session (Payload's cookie).
 * - share kits: any staff member for the grids they act for (a grid leader
 *   posts their grid's link in its WeChat groups);
 * - subscriber import and export: admins only (addresses).
 */
const IMPORT_BATCH = 50

export function createSubscribeAdminRouter(payload: Payload, opts: { context: (req: Request, path: string) => Promise<PageContext> }): Router {
  const router = Router()
  const log = payload.logger.child({ component: 'admin-tools' })

  const page = async (req: Request, res: Response, status: number, render: (ctx: PageContext) => string) =>
    sendPage(req, res, rendered(status, render(await opts.context(req, req.path))), { public: false })

  /** The logged-in staff member, or an answer (login redirect, 403) already sent. */
  const staff = async (req: Request, res: Response, { admin = false } = {}): Promise<StaffUser | null> => {
    const user = await staffOfRequest(payload, req)
    if (!user) {
      redirectToLogin(req, res)
      return null
    }
    const u = user as unknown as StaffUser
    if (!isStaff(u) || (admin && !isAdmin(u))) {
      await page(req, res, 403, forbiddenPage)
      return null
    }
    return u
  }

  const handle =
    (fn: (req: Request, res: Response) => Promise<unknown>) =>
    (req: Request, res: Response): void =>
      void fn(req, res).catch(async (err) => {
        log.error({ err, url: req.path }, 'admin tool failed')
        if (!res.headersSent) await page(req, res, 500, errorPage).catch(() => res.status(500).end())
        else res.end()
      })

  /** The grids this staff member may hand out: all for editors and admins, their own for grid-scoped staff. */
  const gridsFor = async (user: StaffUser) => {
    const all = (await gridDirectory(payload)).flatMap((g) => g.grids)
    if (user.role === 'admin' || user.role === 'editor') return all
    const mine = (await scopedGridIds({ payload, user, context: {} } as unknown as PayloadRequest)).map(String)
    return all.filter((g) => mine.includes(String(g.id)))
  }

  // ------------------------------------------------------------ share kits

  router.get('/admin-tools/share', handle(async (req, res) => {
    const user = await staff(req, res)
    if (!user) return
    const grids = (await gridsFor(user)).map((g) => ({ code: g.code, name: g.name, community: g.community.name }))
    return page(req, res, 200, (ctx) => shareListPage(ctx, grids))
  }))

  const shareGrid = async (req: Request, res: Response) => {
    const user = await staff(req, res)
    if (!user) return null
    const code = String(req.params.code)
    const grid = code.length <= 20 ? await gridByCode(payload, code) : null
    if (!grid || !(await gridsFor(user)).some((g) => g.code === grid.code)) {
      await page(req, res, grid ? 403 : 404, grid ? forbiddenPage : notFoundPage)
      return null
    }
    return grid
  }

  /** The link a grid's poster and QR code carry: the subscribe page with the grid preset. */
  const subscribeLink = (code: string) => `${publicUrl()}${paths.subscribe(code)}`

  router.get('/admin-tools/share/:code', handle(async (req, res) => {
    const grid = await shareGrid(req, res)
    if (!grid) return
    return page(req, res, 200, (ctx) =>
      sharePage(ctx, { code: grid.code, name: grid.name, community: grid.community.name, link: subscribeLink(grid.code), feed: `${publicUrl()}${feedPaths.grid(grid.code)}` }),
    )
  }))

  router.get('/admin-tools/share/:code/qr.png', handle(async (req, res) => {
    const grid = await shareGrid(req, res)
    if (!grid) return
    const png = await qrPng(subscribeLink(grid.code))
    securityHeaders(res)
    if (req.query.download) res.attachment(`subscribe-${grid.code}.png`)
    res.set({ 'Content-Type': 'image/png', 'Cache-Control': 'private, no-store' })
    res.end(png)
  }))

  router.get('/admin-tools/share/:code/qr.svg', handle(async (req, res) => {
    const grid = await shareGrid(req, res)
    if (!grid) return
    const svg = await qrSvg(subscribeLink(grid.code))
    securityHeaders(res)
    if (req.query.download) res.attachment(`subscribe-${grid.code}.svg`)
    res.set({ 'Content-Type': 'image/svg+xml; charset=utf-8', 'Cache-Control': 'private, no-store' })
    res.end(svg)
  }))

  // ------------------------------------------------------------ subscribers: import and export (admins)

  router.get('/admin-tools/subscribers', handle(async (req, res) => {
    if (!(await staff(req, res, { admin: true }))) return
    const csrf = csrfToken(req, res)
    return page(req, res, 200, (ctx) => subscribersToolPage(ctx, { csrf }))
  }))

  router.post('/admin-tools/subscribers/import', handle(async (req, res) => {
    const user = await staff(req, res, { admin: true })
    if (!user) return
    const form = await readUpload(req)
    const again = async (status: number, message: string) => {
      const csrf = csrfToken(req, res)
      return page(req, res, status, (ctx) => subscribersToolPage(ctx, { csrf, message }))
    }
    if (!csrfValid(req, form.fields.csrf)) return again(403, t('subscribe.csrf.body'))
    if (form.tooLarge) return again(413, t('import.error.tooLarge', 'zh', { mb: MAX_IMPORT_BYTES / 1024 / 1024 }))
    if (!form.file) return again(400, t('import.error.noFile'))
    const encoding = (['auto', 'utf-8', 'gbk'].includes(form.fields.encoding ?? '') ? form.fields.encoding : 'auto') as Encoding
    const dryRun = form.fields.mode !== 'import'
    const plan = await planImport(payload, form.file, encoding)
    log.info({ dryRun, total: plan.total, problems: plan.problems.length, skipped: plan.skipped.length, ready: plan.rows.length, by: user.id }, 'subscriber import checked')
    const report = reportHtml({ dryRun, encoding: plan.encoding, total: plan.total, ready: plan.rows.length, problems: plan.problems, skipped: plan.skipped })
    const ctx = await opts.context(req, req.path)
    // Nothing is written unless every row is good.
    if (dryRun || plan.problems.length) {
      return sendPage(req, res, rendered(plan.problems.length ? 422 : 200, importPageHead(ctx, report) + importPageTail(ctx)), { public: false })
    }
    // The import itself: the report, then a line of progress per batch, streamed as the rows are written.
    securityHeaders(res)
    res.status(200).set({ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' })
    res.write(importPageHead(ctx, report))
    let created = 0
    let lost = 0
    let stopped = false
    try {
      for (let i = 0; i < plan.rows.length; i += IMPORT_BATCH) {
        for (const row of plan.rows.slice(i, i + IMPORT_BATCH)) (await importRow(payload, row)) ? created++ : lost++
        res.write(progressLine(Math.min(i + IMPORT_BATCH, plan.rows.length), plan.rows.length))
      }
      res.write(doneLine(created, lost))
    } catch (err) {
      stopped = true
      log.error({ err, created }, 'subscriber import stopped')
      res.write(failedLine(created))
    }
    log.info({ created, skipped: plan.skipped.length + lost, by: user.id }, 'subscriber import finished')
    await audit(
      { payload, user, context: {} } as unknown as PayloadRequest,
      'import',
      { collection: 'subscribers' },
      stopped ? t('audit.detail.importStopped', 'zh', { created }) : t('audit.detail.import', 'zh', { created, skipped: plan.skipped.length + lost, total: plan.total }),
    ).catch((err) => log.error({ err }, 'audit entry of an import failed'))
    res.end(importPageTail(ctx))
  }))

  router.get('/admin-tools/subscribers/export.csv', handle(async (req, res) => {
    const user = await staff(req, res, { admin: true })
    if (!user) return
    const gbk = req.query.encoding === 'gbk'
    securityHeaders(res)
    // attachment() sets a Content-Type from the file name: ours, with the charset, comes after it.
    res.attachment(`subscribers-${new Date().toISOString().slice(0, 10)}.csv`)
    res.status(200).set({ 'Content-Type': `text/csv; charset=${gbk ? 'gbk' : 'utf-8'}`, 'Cache-Control': 'no-store' })
    // Excel opens UTF-8 CSV correctly only with a byte-order mark.
    if (!gbk) res.write('\ufeff')
    let rows = -1
    for await (const line of exportRows(payload)) {
      rows++
      res.write(gbk ? iconv.encode(line, 'gbk') : line)
    }
    await audit({ payload, user, context: {} } as unknown as PayloadRequest, 'export', { collection: 'subscribers' }, t('tools.export.auditDetail', 'zh', { n: rows, encoding: gbk ? 'GBK' : 'UTF-8' }))
    res.end()
  }))

  return router
}

type Upload = { fields: Record<string, string>; file: Buffer | null; tooLarge: boolean }

/** A multipart form with one CSV file, capped at MAX_IMPORT_BYTES; small text fields only. */
function readUpload(req: Request): Promise<Upload> {
  return new Promise((resolve, reject) => {
    let bb: Busboy.Busboy
    try {
      bb = Busboy({ headers: req.headers, limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 10, fieldSize: 1024 } })
    } catch {
      return resolve({ fields: {}, file: null, tooLarge: false })
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
    bb.on('error', reject)
    req.pipe(bb)
  })
}
