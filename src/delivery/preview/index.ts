import type { Payload, PayloadHandler } from 'payload'

import { fitPushPayload, MAX_PUSH_PAYLOAD_BYTES } from '../../channels/webpush'
import { loadSettings, mediaFor, richValues } from '../../content/data'
import { gridById } from '../../grids/directory'
import { langOf, t, type Lang } from '../../i18n/messages'
import type { ContentSlug } from '../../model/content'
import { emailSettings, publicUrl } from '../../server/env'
import { fill, recipientParts, renderContentMail } from '../../templates/email/content'
import { pushForContent } from '../../templates/push'
import { channelConfigured, deliverySettings } from '../config'
import { contentUrl, iconUrl, testLinks } from '../links'
import { previewWechat, type WechatPreview } from './wechat'

/**
 * Previews before publishing (issue 14): the content's latest version (a
 * draft too) as each channel's resident gets it, rendered by the same
 * templates the drivers use: the email for a sample resident of one of its
 * grids with every link made inert (no signed token is made, nothing can be
 * counted), the push notification as the service worker shows it, and the
 * WeChat article from the real converter with what the conversion changes
 * (./wechat.ts). Nothing is sent and nothing is recorded.
 */

export type EmailPreview = { subject: string; from: string | null; greeting: string; html: string; text: string; links: string[] }
export type PushPreview = { title: string; body: string; icon: string; url: string; urgency: string; bytes: number; maxBytes: number; cut: boolean }
export type ContentPreview = {
  collection: ContentSlug
  id: string | number
  configured: Record<'email' | 'webpush' | 'wechat', boolean>
  email: EmailPreview
  push: PushPreview
  /** Grid announcements never go to WeChat. */
  wechat: WechatPreview | null
}

type Doc = Record<string, unknown> & { id: string | number; title?: string; summary?: string | null; urgent?: boolean | null }

/**
 * Every link of a mail made inert for showing in the admin: the target stays
 * visible (title, data-href), the href goes, so a click leads nowhere.
 */
export function inertLinks(html: string): string {
  return html.replace(/<a\b([^>]*?)\shref="([^"]*)"/g, (_m, before: string, href: string) => `<a${before} data-href="${href}" title="${href}" role="link" aria-disabled="true"`)
}

const idOf = (v: unknown) => (v && typeof v === 'object' && 'id' in v ? (v as { id: string | number }).id : (v as string | number))

/** The grid a sample resident lives in: the content's first grid, else the street. */
async function sampleGrid(payload: Payload, doc: Doc, street: string): Promise<string> {
  const grids = (doc.grids as unknown[] | undefined) ?? []
  const first = grids.length ? idOf(grids[0]) : null
  if (first != null) return (await gridById(payload, first))?.name ?? street
  return street
}

export async function buildPreview(payload: Payload, collection: ContentSlug, doc: Doc, lang: Lang = 'zh'): Promise<ContentPreview> {
  const base = publicUrl()
  const settings = await loadSettings(payload)
  const url = contentUrl(collection, doc, base)
  const media = await mediaFor(payload, richValues(collection, doc))

  const mail = renderContentMail({ collection, doc: doc as never, settings, contentUrl: url, base, media })
  const grid = await sampleGrid(payload, doc, settings.streetName)
  const greeting = t('mail.content.greeting', 'zh', { grid })
  // Footer links of nobody's subscription, the content link untracked: the resident's own are signed per recipient.
  const parts = recipientParts(greeting, testLinks(base))
  const email: EmailPreview = {
    subject: mail.subject,
    from: emailSettings()?.from ?? null,
    greeting,
    html: inertLinks(fill(mail.html, parts.html)),
    text: fill(mail.text, parts.text),
    links: mail.links,
  }

  const pushed = pushForContent({ collection, doc: doc as never, settings, url, icon: iconUrl(base), ttlSeconds: deliverySettings().pushTtlSeconds })
  const full = JSON.stringify(pushed.notification)
  const fitted = JSON.parse(fitPushPayload(pushed.notification)) as { title: string; body: string }
  const push: PushPreview = {
    title: fitted.title,
    body: fitted.body,
    icon: pushed.notification.icon ?? '',
    url: pushed.notification.url,
    urgency: pushed.urgency,
    bytes: Buffer.byteLength(full),
    maxBytes: MAX_PUSH_PAYLOAD_BYTES,
    cut: fitted.title !== pushed.notification.title || fitted.body !== pushed.notification.body,
  }

  return {
    collection,
    id: doc.id,
    configured: { email: channelConfigured('email'), webpush: channelConfigured('webpush'), wechat: channelConfigured('wechat') },
    email,
    push,
    wechat: collection === 'announcements' ? null : await previewWechat(payload, collection, doc, lang),
  }
}

/**
 * GET /api/<collection>/previews?id=…: the previews of one content. The
 * collection's endpoint (collections/contentPreviews.ts) checks that the user
 * may edit the content and reads it, then hands it over on req.context.
 */
export const previewsEndpoint: PayloadHandler = async (req) => {
  const lang = langOf(req)
  const ctx = req.context as { preview?: { collection: ContentSlug; doc: Doc } }
  if (!ctx.preview) return Response.json({ message: t('previews.error.forbidden', lang) }, { status: 403 })
  const { collection, doc } = ctx.preview
  return Response.json(await buildPreview(req.payload, collection, doc, lang))
}
