import type { Endpoint, PayloadHandler } from 'payload'

import { isStaff } from '../access'
import { langOf, t } from '../i18n/messages'
import { engineEndpoint } from '../jobs/nudge'
import type { ContentSlug } from '../model/content'
import { mayWrite } from '../access/publish'

/**
 * GET /api/<collection>/previews?id=…: the email, push and WeChat previews of
 * a content's latest version (src/delivery/preview/). Only staff who may edit
 * that document may see them; the engine's handler gets the document on
 * req.context (a collection config never imports the engine).
 */
const render = engineEndpoint('previews')

export const previewsHandler =
  (slug: ContentSlug): PayloadHandler =>
  async (req) => {
    const lang = langOf(req)
    if (!req.user || !isStaff(req.user as never)) return Response.json({ message: t('previews.error.forbidden', lang) }, { status: req.user ? 403 : 401 })
    const id = req.searchParams.get('id') ?? ''
    if (!id || id.length > 64) return Response.json({ message: t('previews.error.notFound', lang) }, { status: 400 })
    const doc = (await req.payload
      .findByID({ collection: slug, id, draft: true, depth: 1, overrideAccess: true, disableErrors: true, req })
      .catch(() => null)) as (Record<string, unknown> & { id: string | number }) | null
    if (!doc) return Response.json({ message: t('previews.error.notFound', lang) }, { status: 404 })
    if (!(await mayWrite(req, slug, doc.id, doc))) return Response.json({ message: t('previews.error.forbidden', lang) }, { status: 403 })
    ;(req.context as { preview?: unknown }).preview = { collection: slug, doc }
    return render(req)
  }

export const previewsEndpoints = (slug: ContentSlug): Endpoint[] => [{ path: '/previews', method: 'get', handler: previewsHandler(slug) }]
