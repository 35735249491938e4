import type { Endpoint, PayloadHandler, PayloadRequest, Where } from 'payload'

import { isStaff } from '../access'
import { mayWrite } from '../access/publish'
import { maskAll } from '../checks'
import { describeFinding, seriousFirst } from '../checks/describe'
import { openExternalDeadLinks, reconcileCheckRecords } from '../content/checkRecords'
import { checkContent, checkSettings } from '../content/checks'
import { externalLinkStates } from '../content/links'
import { langOf, t } from '../i18n/messages'
import type { ContentSlug } from '../model/content'

/**
 * POST /api/<collection>/checks { id?, data?, fix? }: the pre-publish checks
 * over the admin form's current data (merged over the stored latest version
 * when `id` is given), answered as JSON in the user's words, serious findings
 * first. With `fix: true` the answer also carries `data`: the document with
 * every maskable finding masked (张*三, 138****1234, 3501**********1234),
 * for the form to take. With `links: true` the external links are checked
 * too (network: only when asked, never on a save), dead ones listed among the
 * findings and counted in `links: { checked, dead }`; without it, a stored
 * document's external links recorded dead and not fixed since (the daily link
 * watch, jobs/linkWatch.ts) are listed. Only staff who may
 * update that document (or create one, without `id`) may ask.
 */

type Body = { id?: string | number | null; data?: Record<string, unknown> | null; fix?: boolean; links?: boolean }

const views = (findings: Parameters<typeof describeFinding>[0][], lang: string) => {
  const list = seriousFirst(findings.map((f) => describeFinding(f, lang)))
  return { findings: list, serious: list.filter((f) => f.severity === 'serious').length, warnings: list.filter((f) => f.severity !== 'serious').length }
}

export const checksHandler =
  (slug: ContentSlug): PayloadHandler =>
  async (req) => {
    const lang = langOf(req)
    if (!req.user) return Response.json({ message: t('checks.error.forbidden', lang) }, { status: 401 })
    if (!isStaff(req.user as never)) return Response.json({ message: t('checks.error.forbidden', lang) }, { status: 403 })
    let body: Body = {}
    try {
      const parsed = req.json ? await req.json() : null
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Body
    } catch {
      return Response.json({ message: t('checks.error.invalid', lang) }, { status: 400 })
    }
    const data = body.data && typeof body.data === 'object' && !Array.isArray(body.data) ? body.data : null
    const id = body.id == null || body.id === '' ? null : body.id
    if (id == null && !data) return Response.json({ message: t('checks.error.invalid', lang) }, { status: 400 })

    let stored: Record<string, unknown> | null = null
    if (id != null) {
      stored = (await req.payload
        .findByID({ collection: slug, id, draft: true, depth: 0, overrideAccess: true, disableErrors: true, req })
        .catch(() => null)) as Record<string, unknown> | null
      if (!stored) return Response.json({ message: t('checks.error.notFound', lang) }, { status: 404 })
    }
    const doc = { ...(stored ?? {}), ...(data ?? {}) }
    if (!(await mayWrite(req, slug, id, doc))) return Response.json({ message: t('checks.error.forbidden', lang) }, { status: 403 })

    const external = body.links === true ? await externalLinkStates(doc, slug, await checkSettings(req.payload, req)) : null
    const links = external ? { links: { checked: external.checked, dead: external.dead } } : {}
    // Without a check now, the external links recorded dead and not yet fixed (the daily link watch's) are listed as they were found.
    const recorded = !external && id != null ? await openExternalDeadLinks(req.payload, slug, id, req) : null
    const opts = { external: external?.lookup ?? (recorded?.size ? (url: string) => (recorded.has(url) ? { ok: false, reason: 'recorded' as const } : undefined) : null) }
    const findings = await checkContent(req.payload, slug, doc, req, opts)
    // The dead external links found (or gone) go to the checks' history for the inspection report.
    if (external && id != null) await reconcileCheckRecords(req.payload, { collection: slug, id, title: (doc.title as string) ?? null, findings, part: 'links', req })
    if (body.fix !== true) return Response.json({ ...views(findings, lang), ...links })
    const masked = maskAll(doc, findings)
    const after = await checkContent(req.payload, slug, masked, req, opts)
    const maskable = (list: typeof findings) => list.filter((f) => f.fix?.kind === 'mask')
    return Response.json({
      ...views(after, lang),
      ...links,
      data: masked,
      // How many were masked, and the fields that changed (for the form to take their new values).
      masked: maskable(findings).length - maskable(after).length,
      paths: [...new Set(maskable(findings).map((f) => f.path))],
    })
  }

/** The endpoint on a content collection. */
export const checksEndpoints = (slug: ContentSlug): Endpoint[] => [{ path: '/checks', method: 'post', handler: checksHandler(slug) }]
