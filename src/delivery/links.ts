import type { SubscriberDoc } from '../collections/Subscribers'
import { publicUrl } from '../server/env'
import { subscriberLinks } from '../site/subscribeService'
import { contentPath, paths } from '../templates/paths'

/**
 * Every link a delivered message carries is built here, and only here, so
 * that the readership work can sign and track them in one place later.
 */
export type MessageLinks = { content: string; preferences: string; unsubscribe: string }

/** The resident page of a content, absolute (the same for every recipient). */
export function contentUrl(collection: string, doc: unknown, base = publicUrl()): string {
  const path = contentPath(collection, doc)
  return base + (path ?? '/')
}

/** A recipient's links for one content: the page, their preferences, their one-click unsubscribe. */
export function messageLinks(collection: string, doc: unknown, subscriber: Pick<SubscriberDoc, 'ref'>, base = publicUrl()): MessageLinks {
  const s = subscriberLinks({ ref: subscriber.ref }, base)
  return { content: contentUrl(collection, doc, base), preferences: s.preferences, unsubscribe: s.unsubscribe }
}

/** The site icon for notifications, absolute. */
export const iconUrl = (base = publicUrl()) => `${base}/icons/icon-192.png`

/** Footer links of a test-send: the address is nobody's subscription, so both lead to the subscribe page. */
export const testLinks = (base = publicUrl()) => ({ preferences: base + paths.subscribe(), unsubscribe: base + paths.subscribe() })
