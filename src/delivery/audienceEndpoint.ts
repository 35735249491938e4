import type { PayloadHandler } from 'payload'

import { isGridScoped, scopedGridIds } from '../access/roles'
import { mayPublish } from '../access/publish'
import { langOf, t } from '../i18n/messages'
import { CONTENT_SLUGS, type ContentSlug } from '../model/content'
import type { ChannelChoice } from '../model/deliveries'
import { type AudienceContent, audienceReport } from './audienceReport'

/**
 * GET /api/<collection>/:id/audience: who the content goes to, per channel
 * (src/delivery/audienceReport.ts), for the publish dialog. Only staff who may
 * publish that content. The dialog may send what its form holds and is not
 * saved yet: `urgent` (0|1), `wholeStreet` (0|1), `grids` (ids, comma
 * separated; grid-scoped staff only within their own grids) and
 * `channels` (the ticked ones, comma separated). The id `new` counts a
 * content not saved yet from those alone.
 */
type Stored = AudienceContent & { _status?: string; review?: { status?: string | null } | null; corrections?: number | null; withdrawals?: number | null }

const flag = (v: string | null) => (v === null ? undefined : v === '1' || v === 'true')

export const audienceEndpoint: PayloadHandler = async (req) => {
  const lang = langOf(req)
  const slug = String(req.routeParams?.collection ?? '') as ContentSlug
  const id = String(req.routeParams?.id ?? '')
  if (!req.user) return Response.json({ message: t('audience.error.forbidden', lang) }, { status: 401 })
  if (!CONTENT_SLUGS.includes(slug) || !id) return Response.json({ message: t('audience.error.notFound', lang) }, { status: 404 })
  const find = (draft: boolean) =>
    req.payload.findByID({ collection: slug, id, draft, depth: 0, overrideAccess: true, disableErrors: true, req }).catch(() => null) as Promise<Stored | null>
  // The latest version (a draft correction too) is what will be published; the main document says whether it is now.
  // `new`: a content not saved yet, counted from the query alone (the form's values).
  const [latest, main] = id === 'new' ? [{ id: 'new' } as Stored, { id: 'new' } as Stored] : await Promise.all([find(true), find(false)])
  if (!latest || !main) return Response.json({ message: t('audience.error.notFound', lang) }, { status: 404 })
  const settings = (await req.payload.findGlobal({ slug: 'site-settings', depth: 0, overrideAccess: true, req })) as {
    publishChannels?: Partial<Record<ContentSlug, ChannelChoice>> | null
  }
  if (!(await mayPublish(req, slug, latest as never))) {
    return Response.json({ message: t('audience.error.forbidden', lang) }, { status: 403 })
  }

  const params = req.searchParams ?? new URL(req.url ?? '', 'http://localhost').searchParams
  const doc: AudienceContent = { ...latest }
  const urgent = flag(params.get('urgent'))
  if (urgent !== undefined) doc.urgent = urgent
  const wholeStreet = flag(params.get('wholeStreet'))
  if (wholeStreet !== undefined) doc.wholeStreet = wholeStreet
  const grids = params.get('grids')
  if (grids !== null) {
    let asked = grids.split(',').map((g) => g.trim()).filter(Boolean)
    if (isGridScoped(req.user as never)) {
      const mine = new Set((await scopedGridIds(req)).map(String))
      asked = asked.filter((g) => mine.has(g))
    }
    doc.grids = asked
  }
  const channels = params.get('channels')
  if (channels !== null) {
    const on = new Set(channels.split(','))
    doc.channels = { email: on.has('email'), webpush: on.has('webpush'), wechat: on.has('wechat'), sms: on.has('sms') }
  }
  const report = await audienceReport(req.payload, slug, doc, settings.publishChannels?.[slug])
  return Response.json({
    ...report,
    published: main._status === 'published',
    corrections: main.corrections ?? 0,
    withdrawals: main.withdrawals ?? 0,
  })
}
