import type { PayloadRequest } from 'payload'

import type { SiteSetting } from '../payload-types'

/** Site settings for this request (read once per request, then cached on it). */
export async function settingsFor(req: PayloadRequest): Promise<SiteSetting> {
  const ctx = req.context as { siteSettings?: SiteSetting }
  ctx.siteSettings ??= await req.payload.findGlobal({ slug: 'site-settings', depth: 0, overrideAccess: true, req })
  return ctx.siteSettings
}
