import type { ContentSlug } from '../model/content'
import type { SubscriberDoc } from '../model/subscribers'
import { MESSAGE_TOKEN_TTL_SECONDS, readerKey, sealHistory, signTrack, targetHash, type TrackChannel, type TrackToken } from '../readership/tokens'
import { publicUrl } from '../server/env'
import { currentConsents, subscriberLinks } from '../subscribers/service'
import { contentPath, paths } from '../templates/paths'
import type { Id } from '../model/ids'

/**
 * Every link a delivered message carries is built here, and only here, so
 * every one of them is signed and tracked in one place (src/readership/):
 * - the content's page: `<page>?r=<token>`, counted by the page itself;
 * - the email open pixel: `/t/o/<token>.gif`;
 * - any other link (in the body): `/t/c/<token>?u=<url>`, the token naming the URL's hash;
 * - a grid's share link: `/t/c/<token>`, which leads to the content's page.
 */
export type MessageLinks = {
  content: string
  preferences: string
  unsubscribe: string
  /** Email only: the open pixel. */
  pixel: string
  /** A tracked link to another URL (a link in the body). */
  click: (target: string) => string
}

const idOf = (v: unknown): string => String(v && typeof v === 'object' && 'id' in v ? (v as { id: Id }).id : v)

/** The resident page of a content, absolute (the same for every recipient). */
export function contentUrl(collection: string, doc: unknown, base = publicUrl()): string {
  const path = contentPath(collection, doc)
  return base + (path ?? '/')
}

/** The token fields of one recipient of one content on one channel. */
export function trackFor(collection: ContentSlug, doc: unknown, channel: TrackChannel, subscriber?: Partial<Pick<SubscriberDoc, 'ref' | 'grid' | 'consents'>>): TrackToken {
  const contentId = idOf(doc)
  const t: TrackToken = { channel, contentType: collection, contentId, grid: subscriber?.grid != null ? idOf(subscriber.grid) : '' }
  if (subscriber?.ref) {
    t.reader = readerKey(collection, contentId, subscriber.ref)
    // Reading history is kept only for residents who opted in (docs/privacy.md).
    if (currentConsents(subscriber).statistics?.granted) t.history = sealHistory(collection, contentId, subscriber.ref)
  }
  return t
}

const ttl = { ttlSeconds: MESSAGE_TOKEN_TTL_SECONDS }

/** The content's page carrying a read token: the page view counts under the token's channel and grid. */
export const trackedContentUrl = (collection: ContentSlug, doc: unknown, t: TrackToken, base = publicUrl()) =>
  `${contentUrl(collection, doc, base)}?r=${signTrack('read', t, ttl)}`

/** A tracked redirect to `target` (a link of the content, or a page of ours). */
export const trackedClickUrl = (t: TrackToken, target: string, base = publicUrl()) =>
  `${base}/t/c/${signTrack('click', { ...t, target: targetHash(target) }, ttl)}?u=${encodeURIComponent(target)}`

export const openPixelUrl = (t: TrackToken, base = publicUrl()) => `${base}/t/o/${signTrack('open', t, ttl)}.gif`

/** A recipient's links for one content: the page, their preferences, their one-click unsubscribe, the pixel and tracked clicks. */
export function messageLinks(
  collection: ContentSlug,
  doc: unknown,
  subscriber: Pick<SubscriberDoc, 'ref'> & Partial<Pick<SubscriberDoc, 'grid' | 'consents'>>,
  base = publicUrl(),
  channel: TrackChannel = 'email',
): MessageLinks {
  const s = subscriberLinks({ ref: subscriber.ref }, base)
  const t = trackFor(collection, doc, channel, subscriber)
  return {
    content: trackedContentUrl(collection, doc, t, base),
    preferences: s.preferences,
    unsubscribe: s.unsubscribe,
    pixel: openPixelUrl(t, base),
    click: (target) => trackedClickUrl(t, target, base),
  }
}

/**
 * A grid's share link for a content (for the grid's WeChat group, its QR
 * code): short, never expiring, no reader key (readers who come through it
 * are counted once per content by the site's first-party cookie).
 */
export function shareLink(contentType: ContentSlug, contentId: Id, gridId: Id, base = publicUrl()): string {
  return `${base}/t/c/${signTrack('click', { channel: 'share', contentType, contentId: String(contentId), grid: String(gridId) })}`
}

/** A building's share link (issue 18): as the grid's, and reads through it also name the building. */
export function buildingShareLink(contentType: ContentSlug, contentId: Id, gridId: Id, building: string, base = publicUrl()): string {
  return `${base}/t/c/${signTrack('click', { channel: 'share', contentType, contentId: String(contentId), grid: String(gridId), building })}`
}

/** The site icon for notifications, absolute. */
export const iconUrl = (base = publicUrl()) => `${base}/icons/icon-192.png`

/** Footer links of a test-send: the address is nobody's subscription, so both lead to the subscribe page. */
export const testLinks = (base = publicUrl()) => ({ preferences: base + paths.subscribe(), unsubscribe: base + paths.subscribe() })
