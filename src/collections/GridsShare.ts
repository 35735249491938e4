import type { Endpoint, PayloadHandler, PayloadRequest } from 'payload'

import { type Id, isEditor, isStaff, scopedGridIds, type StaffUser } from '../access'
import { type Lang, langOf, type MessageKey, t } from '../i18n/messages'
import { publicUrl } from '../server/env'
import { gridByCode, gridDirectory } from '../grids/directory'
import { paths } from '../templates/paths'
import { qrPng, qrSvg } from '../templates/qr'

/**
 * Each grid's subscribe kit: the subscribe link with the grid preset, its QR
 * code (SVG and PNG), and the grid's feed. Every staff member gets the kits
 * of the grids they act for (editors and admins every grid; grid leaders and
 * community staff their own: src/access/ scopedGridIds). The admin view
 * /admin/readership/share lists them; GET /api/grids/:code/share-qr.svg|png
 * serves the QR codes behind Payload's own authentication.
 */
export type SubscribeKit = {
  id: Id
  code: string
  name: string
  community: string
  /** The subscribe page with this grid chosen: what the QR code encodes. */
  link: string
  feed: string
  /** API paths of the QR code (add ?download=1 to get it as a file). */
  qr: { svg: string; png: string }
}

/** Why a kit is refused: the HTTP status and the reason in the user's language. */
export type Refusal = { status: 401 | 403 | 404; message: string }

const refusal = (status: Refusal['status'], key: MessageKey, lang: Lang, vars?: Record<string, string>): Refusal => ({ status, message: t(key, lang, vars) })

/** The link a grid's poster and QR code carry. */
export const subscribeLink = (code: string) => `${publicUrl()}${paths.subscribe(code)}`

/** A grid's Atom feed (the path of site/feeds.ts feedPaths.grid). */
const feedLink = (code: string) => `${publicUrl()}${paths.grid(code)}/feed.xml`

export const shareQrPath = (code: string, format: 'svg' | 'png', apiRoute = '/api') => `${apiRoute}/grids/${encodeURIComponent(code)}/share-qr.${format}`

/** The kits of every grid the request's user acts for, by grid code; a refusal for anonymous or non-staff callers. */
export async function subscribeKits(req: PayloadRequest): Promise<SubscribeKit[] | Refusal> {
  const lang = langOf(req)
  const user = req.user as StaffUser | null
  if (!user) return refusal(401, 'tools.error.login', lang)
  if (!isStaff(user)) return refusal(403, 'tools.error.staffOnly', lang)
  const mine = isEditor(user) ? null : (await scopedGridIds(req)).map(String)
  const api = req.payload.config.routes.api
  return (await gridDirectory(req.payload))
    .flatMap((group) => group.grids)
    .filter((g) => !mine || mine.includes(String(g.id)))
    .map((g) => ({
      id: g.id,
      code: g.code,
      name: g.name,
      community: g.community.name,
      link: subscribeLink(g.code),
      feed: feedLink(g.code),
      qr: { svg: shareQrPath(g.code, 'svg', api), png: shareQrPath(g.code, 'png', api) },
    }))
}

/** One grid's kit: 404 for an unknown grid, 403 for a grid that is not the user's. */
export async function subscribeKit(req: PayloadRequest, code: string): Promise<SubscribeKit | Refusal> {
  const kits = await subscribeKits(req)
  if (!Array.isArray(kits)) return kits
  const lang = langOf(req)
  const shown = code.slice(0, 20)
  const kit = kits.find((k) => k.code === code)
  if (kit) return kit
  const grid = code.length <= 20 ? await gridByCode(req.payload, code) : null
  return grid ? refusal(403, 'tools.error.notYourGrid', lang, { code: shown }) : refusal(404, 'tools.error.noGrid', lang, { code: shown })
}

export const isRefusal = (v: unknown): v is Refusal => typeof v === 'object' && v !== null && 'status' in v && 'message' in v

const refuse = (r: Refusal) => Response.json({ message: r.message, errors: [{ message: r.message }] }, { status: r.status, headers: { 'Cache-Control': 'private, no-store' } })

/** A file name safe in a header whatever the grid code holds. */
const fileName = (code: string, ext: string) => `subscribe-${code.replace(/[^A-Za-z0-9_-]/g, '_')}.${ext}`

const qrHandler =
  (format: 'svg' | 'png'): PayloadHandler =>
  async (req) => {
    const code = String(req.routeParams?.code ?? '')
    const kit = await subscribeKit(req, code)
    if (isRefusal(kit)) return refuse(kit)
    const headers = new Headers({
      'Content-Type': format === 'svg' ? 'image/svg+xml; charset=utf-8' : 'image/png',
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
      // The SVG is drawn by the qrcode library from our own link; nothing in it may run.
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
    })
    if (req.searchParams?.get('download')) headers.set('Content-Disposition', `attachment; filename="${fileName(kit.code, format)}"`)
    const body = format === 'svg' ? await qrSvg(kit.link) : new Uint8Array(await qrPng(kit.link))
    return new Response(body, { status: 200, headers })
  }

/** The grids collection's endpoints: each grid's subscribe QR code. */
export const gridShareEndpoints: Endpoint[] = [
  { path: '/:code/share-qr.svg', method: 'get', handler: qrHandler('svg') },
  { path: '/:code/share-qr.png', method: 'get', handler: qrHandler('png') },
]
