import type { PayloadRequest } from 'payload'

export type SiteSettingsData = {
  streetName?: string | null
  periodicalName?: string | null
  hotline?: string | null
  sensitiveWords?: string | null
  allowGridLeaderDirectPublish?: boolean | null
  [key: string]: unknown
}

/** Site settings for this request (read once per request, then cached on it). */
export async function settingsFor(req: PayloadRequest): Promise<SiteSettingsData> {
  const ctx = req.context as { siteSettings?: SiteSettingsData }
  if (!ctx.siteSettings) {
    ctx.siteSettings = (await req.payload.findGlobal({
      slug: 'site-settings',
      depth: 0,
      overrideAccess: true,
      req,
    })) as SiteSettingsData
  }
  return ctx.siteSettings
}
