import type { Payload, PayloadRequest } from 'payload'

import { extractImages, type CheckSettings, type Finding, type LinkStates, runChecks } from '../checks'
import { checkSettingsOf } from '../checks/settings'
import { publicContactsOf } from '../fields/publicContacts'
import { publicUrl } from '../server/env'
import { internalLinkStates } from './links'

/**
 * The pre-publish checks (src/checks) over a content document with this
 * site's settings: the publish gate, the admin's checks endpoint and the
 * scheduled publication's report all run them through here, so they agree.
 */

type SiteSettingsLike = Parameters<typeof checkSettingsOf>[0]
const STAFF_LIMIT = 1000

/** Site settings, the public URL and the staff's work phones as the checks need them (once per request). */
export async function checkSettings(payload: Payload, req?: PayloadRequest): Promise<CheckSettings> {
  const ctx = req?.context as { checkSettings?: CheckSettings } | undefined
  if (ctx?.checkSettings) return ctx.checkSettings
  const site = (await payload.findGlobal({ slug: 'site-settings', depth: 0, overrideAccess: true, req })) as SiteSettingsLike
  const { docs } = await payload.find({
    collection: 'users',
    depth: 0,
    limit: STAFF_LIMIT,
    pagination: false,
    select: { phone: true },
    overrideAccess: true,
    req,
  })
  const settings = checkSettingsOf(
    site,
    publicUrl(),
    (docs as { phone?: string | null }[]).map((u) => u.phone),
  )
  // On the request's context as it is now: a Local API call with req (the two above) gives req a new context object.
  if (req) (req.context as { checkSettings?: CheckSettings }).checkSettings = settings
  return settings
}

/**
 * The settings for one content: the site's (checkSettings) with the numbers
 * the editor marked on it as public contacts (公开联系电话), which are not
 * personal information there. Every check over a content's text, the site's
 * and the WeChat text's alike, should take its settings from here.
 */
export async function contentCheckSettings(payload: Payload, doc: unknown, req?: PayloadRequest): Promise<CheckSettings> {
  const site = await checkSettings(payload, req)
  const marked = publicContactsOf((doc as { publicContacts?: unknown } | null)?.publicContacts)
  return marked.length ? { ...site, publicNumbers: [...(site.publicNumbers ?? []), ...marked] } : site
}

/** Alt texts of the images a document refers to by id only (covers, upload nodes at depth 0). */
async function mediaResolver(payload: Payload, doc: unknown, collection: string, req?: PayloadRequest): Promise<CheckSettings['media']> {
  const ids = [...new Set(extractImages(doc, { collection }).filter((i) => i.alt === undefined && i.id != null).map((i) => String(i.id)))]
  if (!ids.length) return null
  const { docs } = await payload.find({ collection: 'media', where: { id: { in: ids } }, limit: ids.length, depth: 0, overrideAccess: true, req })
  const byId = new Map((docs as { id: string | number; alt?: string | null }[]).map((m) => [String(m.id), m]))
  return (id) => byId.get(String(id))
}

/**
 * Every finding of one content document (as stored, or as the admin's form
 * holds it). Internal links are looked up in the database every time;
 * external ones are judged only when their results are passed in
 * (`external`, from content/links.ts externalLinkStates: the checks endpoint
 * when an editor asks), never checked over the network here.
 */
export async function checkContent(
  payload: Payload,
  collection: string,
  doc: unknown,
  req?: PayloadRequest,
  opts: { external?: LinkStates['external'] } = {},
): Promise<Finding[]> {
  // Numbers the editor marked as this content's public contacts are not personal information.
  const settings = await contentCheckSettings(payload, doc, req)
  const media = await mediaResolver(payload, doc, collection, req)
  const d = (doc ?? {}) as { id?: string | number | null; number?: unknown; _status?: unknown }
  const internal = await internalLinkStates(payload, doc, collection, settings, req, { collection, id: d.id, number: d.number, status: d._status })
  return runChecks(doc, { collection, settings: { ...settings, media, links: { internal, external: opts.external ?? null } }, now: new Date() })
}
