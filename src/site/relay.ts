import express, { type Request, type Response, Router } from 'express'
import type { Payload } from 'payload'

import { cachedSettings } from '../content/data'
import { buildingShareLink } from '../delivery/links'
import { t } from '../i18n/messages'
import { CONTENT_SLUGS, type ContentSlug } from '../model/content'
import { checkDoors, confirm, confirmationsOf, type ConfirmRefusal, type ConfirmWhat, CONFIRM_WHATS, whatLabel } from '../relay/confirm'
import { type HeadOf, headOfLink } from '../relay/links'
import { type Notice, noticesForGrid } from '../relay/notices'
import { hitRateLimit, type RateRule } from '../store/rateLimits'
import { clip } from '../templates/format'
import { qrSvg } from '../templates/qr'
import { posterPage, type RelayItem, relayPage } from '../templates/site/relay'
import type { PageContext } from '../templates/site/types'
import { rendered, securityHeaders } from './respond'
import { csrfToken, csrfValid } from './subscribeCsrf'

/**
 * A building head's pages (issue 18), at their personal link:
 *   GET  /relay/:token                        我的楼栋
 *   POST /relay/:token                        a confirmation (plain form, CSRF token)
 *   GET  /relay/:token/poster/:type/:id       the A4 poster of one notice
 * A revoked, older or forged link is the site's 404. Each link has its own
 * rate limit (RELAY_RULE). Never cached, never sent as a referrer.
 */
export const RELAY_RULE: RateRule = { limit: 60, windowMs: 10 * 60_000 }
const TOKEN = /^[A-Za-z0-9_.-]{10,200}$/

export type RelayRouterOptions = {
  context: (path: string, req: Request) => Promise<PageContext>
  cssHref: string
  notFound: (req: Request, res: Response) => unknown
}

/** The forwarding text of a notice for a building's group. */
export function relayText(n: Pick<Notice, 'title' | 'summary'>, building: string, link: string): string {
  const summary = clip(n.summary ?? '', 120)
  return summary ? t('relay.share.message', 'zh', { building, title: n.title, summary, link }) : t('relay.share.messageNoSummary', 'zh', { building, title: n.title, link })
}

const buildingLabel = (h: HeadOf) => [h.building.estate, h.building.name].filter(Boolean).join(' ')

export function createRelayRouter(payload: Payload, opts: RelayRouterOptions): Router {
  const router = Router()
  const log = payload.logger.child({ component: 'relay' })
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 20 })

  const privateHeaders = (res: Response) => {
    securityHeaders(res)
    res.setHeader('Cache-Control', 'private, no-store')
    res.setHeader('Referrer-Policy', 'no-referrer')
    res.setHeader('X-Robots-Tag', 'noindex')
  }

  /** The head of the link, after its rate limit; null when answered already (404 or 429). */
  const open = async (req: Request, res: Response): Promise<HeadOf | null> => {
    const token = String(req.params.token ?? '')
    const head = TOKEN.test(token) ? await headOfLink(payload, token) : null
    if (!head) {
      await opts.notFound(req, res)
      return null
    }
    const verdict = await hitRateLimit(payload, 'relay-link', `${head.code}:${head.building.relayVersion}`, RELAY_RULE)
    if (!verdict.ok) {
      log.warn({ building: head.code }, 'relay link rate limit reached')
      privateHeaders(res)
      res.status(429).set('Retry-After', String(verdict.retryAfterSeconds)).type('text/plain; charset=utf-8')
      res.send(t('relay.error.tooMany', 'zh', { minutes: Math.max(1, Math.ceil(verdict.retryAfterSeconds / 60)) }))
      return null
    }
    return head
  }

  const items = async (head: HeadOf): Promise<RelayItem[]> => {
    const [notices, confirmations] = await Promise.all([noticesForGrid(payload, head.grid.id), confirmationsOf(payload, head.code)])
    return Promise.all(
      notices.map(async (notice) => {
        const link = buildingShareLink(notice.type, notice.id, head.grid.id, head.code)
        return { notice, link, qrSvg: await qrSvg(link), text: relayText(notice, buildingLabel(head), link), confirmation: confirmations.get(`${notice.type}:${notice.id}`) }
      }),
    )
  }

  const page = async (req: Request, res: Response, head: HeadOf, status: number, extra: { saved?: boolean; error?: { notice: string; refusal: ConfirmRefusal } } = {}) => {
    const token = String(req.params.token)
    const ctx = await opts.context(`/relay/${token}`, req)
    const csrf = csrfToken(req, res)
    const error = extra.error ? { ...extra.error, message: errorMessage(extra.error.refusal) } : undefined
    const html = relayPage(ctx, {
      token,
      csrf,
      grid: head.grid.name,
      building: buildingLabel(head),
      households: head.building.households ?? null,
      head: head.building.head ?? '',
      items: await items(head),
      cssHref: opts.cssHref,
      saved: extra.saved,
      error,
    })
    privateHeaders(res)
    res.status(status).type('html').send(rendered(status, html).body)
  }

  const errorMessage = (r: ConfirmRefusal) => t(r.key, 'zh', { what: t(whatLabel(r.field)), ...(r.vars ?? {}) })
  const fail = (req: Request, res: Response, err: unknown) => {
    log.error({ err }, 'relay page failed')
    if (!res.headersSent) res.status(500).type('text/plain; charset=utf-8').send(t('site.error.body'))
  }

  router.get('/relay/:token', async (req, res) => {
    try {
      const head = await open(req, res)
      if (head) await page(req, res, head, 200, { saved: req.query.saved === '1' })
    } catch (err) {
      fail(req, res, err)
    }
  })

  router.post('/relay/:token', form, async (req, res) => {
    try {
      const head = await open(req, res)
      if (!head) return
      const body = (req.body ?? {}) as Record<string, unknown>
      const key = `${String(body.type)}:${String(body.id)}`
      if (!csrfValid(req, body.csrf)) {
        privateHeaders(res)
        return void res.status(403).type('text/plain; charset=utf-8').send(t('relay.error.csrf'))
      }
      const what = CONFIRM_WHATS.includes(body.what as ConfirmWhat) ? (body.what as ConfirmWhat) : null
      const notices = await noticesForGrid(payload, head.grid.id)
      const notice = notices.find((n) => `${n.type}:${n.id}` === key)
      if (!what) return void (await page(req, res, head, 400, { error: { notice: key, refusal: { field: 'relayed', key: 'relay.error.what' } } }))
      if (!notice) return void (await page(req, res, head, 400, { error: { notice: key, refusal: { field: what, key: 'relay.error.notice' } } }))
      let value: number | boolean
      if (what === 'doors') {
        const n = checkDoors(body.households, head.building.households)
        if (typeof n !== 'number') return void (await page(req, res, head, 400, { error: { notice: key, refusal: n } }))
        value = n
      } else value = body.value !== '0'
      const refused = await confirm(payload, head, notice, what, value)
      if (refused) return void (await page(req, res, head, 409, { error: { notice: key, refusal: refused } }))
      privateHeaders(res)
      res.redirect(303, `/relay/${String(req.params.token)}?saved=1#n-${notice.type}-${notice.id}`)
    } catch (err) {
      fail(req, res, err)
    }
  })

  router.get('/relay/:token/poster/:type/:id', async (req, res) => {
    try {
      const head = await open(req, res)
      if (!head) return
      const type = String(req.params.type) as ContentSlug
      const notice = CONTENT_SLUGS.includes(type) ? (await noticesForGrid(payload, head.grid.id)).find((n) => n.type === type && n.id === String(req.params.id)) : undefined
      if (!notice) return void (await opts.notFound(req, res))
      const site = await cachedSettings(payload)
      const link = buildingShareLink(notice.type, notice.id, head.grid.id, head.code)
      privateHeaders(res)
      res.status(200).type('html').send(posterPage({ street: site.streetName, grid: head.grid.name, building: buildingLabel(head), notice, qrSvg: await qrSvg(link), cssHref: opts.cssHref }))
    } catch (err) {
      fail(req, res, err)
    }
  })

  return router
}
