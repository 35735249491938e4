import type { Request, Response, Router } from 'express'
import type { Payload } from 'payload'

import { gridAnnouncements, listUrgent, urgentGridAnnouncements } from '../content/data'
import { type GridEntry, gridByCode, gridById, gridDirectory } from '../grids/directory'
import { t } from '../i18n/messages'
import { verifyTrack } from '../readership/tokens'
import { paths } from '../templates/paths'
import { myGridSection, urgentBanner } from '../templates/site/myGrid'
import type { AnnouncementDoc, Id } from '../templates/site/types'
import { cached, peek } from './cache'
import { type Banners, BANNERS_KEY, forgetMyGridCookie, homeKey, type HomeSection, myGridCookie, myGridOf } from './myGridCookie'
import { wayBack } from './modeRoutes'
import { secureRequest, securityHeaders } from './respond'

/**
 * 我的网格: where the remembered grid comes from (subscribing, preferences,
 * a share link's read token, 设为我的网格 on a grid page) and the per-grid
 * fragments the pages are filled with (src/site/myGridCookie.ts), produced
 * through the page cache and dropped with the content they are made from.
 */

const GRID_CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$/
/** How many of the grid's latest announcements the home page shows. */
const HOME_LATEST = 3

let serial = 0
const label = (g: GridEntry) => t('site.gridName', 'zh', { code: g.code, name: g.name })
const idOf = (v: unknown): string => String(v && typeof v === 'object' ? (v as { id?: Id }).id : v)


/** Remember a grid in the resident's browser (after subscribing, on their preferences page). */
export const rememberGrid = (req: Request, res: Response, code: string) => void res.append('Set-Cookie', myGridCookie(code, secureRequest(req)))

async function loadBanners(payload: Payload): Promise<Banners> {
  const [street, notices, groups] = await Promise.all([listUrgent(payload), urgentGridAnnouncements(payload), gridDirectory(payload)])
  const grids = new Map(groups.flatMap((g) => g.grids).map((g) => [String(g.id), g]))
  const byGrid = new Map<string, { grid: GridEntry; items: AnnouncementDoc[] }>()
  for (const a of notices) {
    for (const ref of a.grids ?? []) {
      const grid = grids.get(idOf(ref))
      if (!grid) continue
      const entry = byGrid.get(grid.code) ?? { grid, items: [] }
      entry.items.push(a)
      byGrid.set(grid.code, entry)
    }
  }
  const made = new Map<string, { key: string; html: string; gridHtml: string }>()
  return {
    v: ++serial,
    of: (code) => {
      // Grids without an urgent notice, and codes of no grid, share the street's banner.
      const key = code && byGrid.has(code) ? code : ''
      let banner = made.get(key)
      if (!banner) {
        const mine = key ? byGrid.get(key)! : null
        const grid = mine ? { label: label(mine.grid), items: mine.items } : null
        banner = { key, html: urgentBanner({ street, grid }), gridHtml: urgentBanner({ street: [], grid }) }
        made.set(key, banner)
      }
      return banner
    },
  }
}

export function myGridKit(payload: Payload) {
  /** The urgent banners: made from urgent content of every type and the grid directory. */
  const banners = () =>
    cached(BANNERS_KEY, () => loadBanners(payload), { tags: ['issues', 'events', 'policies', 'announcements', 'grids'] })

  const homeSection = (grid: GridEntry) =>
    cached(
      homeKey(grid.code),
      async (): Promise<HomeSection> => {
        const announcements = await gridAnnouncements(payload, grid.id, HOME_LATEST)
        return { v: ++serial, html: myGridSection({ code: grid.code, label: label(grid), announcements }) }
      },
      { tags: ['announcements', 'grids'] },
    )

  /**
   * Make sure what a page for this visitor is filled with is in the cache:
   * the banners and, on the home page, their grid's section. The grid when
   * the code names one, else null (a grid deleted since, a made-up code).
   */
  async function prepare(code: string | null, isHome: boolean): Promise<GridEntry | null> {
    const [, grid] = await Promise.all([inCache(BANNERS_KEY, banners), code ? gridByCode(payload, code) : null])
    if (grid && isHome) await inCache(homeKey(grid.code), () => homeSection(grid))
    return grid
  }

  /**
   * Produce a fragment until the cache keeps it (the page is filled from the cache). A production is not
   * kept when what it is made from was invalidated meanwhile, as the second sweep after a save does 1.5 s
   * later: on a slow database the banner produced for the first page after a publication was dropped, and
   * the page went without it. Once more, then, from data read after that invalidation.
   */
  async function inCache(key: string, produce: () => Promise<unknown>): Promise<void> {
    await produce()
    if (peek(key) === undefined) await produce()
  }

  /** The grid a read token (a share link's landing, ?r=) was made for, as its code; null without one. */
  async function gridOfReadToken(raw: unknown): Promise<string | null> {
    if (typeof raw !== 'string' || raw.length > 1000) return null
    const v = verifyTrack(raw, 'read')
    if (!v.ok || !v.token.grid) return null
    return (await gridById(payload, v.token.grid))?.code ?? null
  }

  /**
   * The grid this answer is for: the cookie's, or (a browser that remembers
   * none, arriving by a link made for a grid) the link's, then remembered. A
   * cookie naming no grid is forgotten.
   */
  async function visitorGrid(req: Request, res: Response, isHome: boolean): Promise<string | null> {
    const held = myGridOf(req.headers.cookie)
    const arrived = held ? null : await gridOfReadToken(req.query.r)
    if (arrived) rememberGrid(req, res, arrived)
    const code = held ?? arrived
    const grid = await prepare(code, isHome)
    if (held && !grid) res.append('Set-Cookie', forgetMyGridCookie(secureRequest(req)))
    return grid?.code ?? null
  }

  const answer = (res: Response, location: string) => {
    securityHeaders(res)
    res.setHeader('Cache-Control', 'no-store')
    res.redirect(303, location)
  }

  /**
   * 设为我的网格 and 不再记住, without JavaScript: a GET that sets (or
   * clears) the one preference cookie and goes to a path on this site, never
   * elsewhere. An unknown grid sets nothing and goes to the grid list.
   */
  function routes(router: Router) {
    router.get('/mygrid/set', (req, res) => {
      const code = typeof req.query.grid === 'string' && GRID_CODE.test(req.query.grid) ? req.query.grid : ''
      void (code ? gridByCode(payload, code) : Promise.resolve(null))
        .then((grid) => {
          if (!grid) return answer(res, paths.grids())
          rememberGrid(req, res, grid.code)
          answer(res, wayBack(req.query.back))
        })
        .catch((err) => {
          payload.logger.error({ component: 'site', err }, 'remembering a grid failed')
          answer(res, paths.grids())
        })
    })
    router.get('/mygrid/forget', (req, res) => {
      res.append('Set-Cookie', forgetMyGridCookie(secureRequest(req)))
      answer(res, wayBack(req.query.back))
    })
  }

  return { banners, prepare, visitorGrid, routes }
}
