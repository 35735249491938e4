import { randomInt } from 'node:crypto'

import type { Payload } from 'payload'

import type { ContentSlug } from '../../model/content'
import type { SubscriberDoc } from '../../model/subscribers'
import { noTransaction } from '../../store/noTransaction'
import { trackedContentUrl, trackFor } from '../links'

/**
 * Per-recipient short links of text messages: `/s/CODE` on our own domain
 * (the provider refuses URLs in parameters, so the template holds the link
 * base and the code is the parameter), stored in `sms-links`; the site's
 * /s/ route (src/site/shortLinks.ts) redirects a code to the content's page
 * with the recipient's signed read token, the same attribution an email
 * link carries (trackFor/trackedContentUrl in ../links.ts, channel 'sms').
 *
 * A code is 8 characters drawn uniformly (crypto.randomInt, no modulo bias)
 * from the 62 letters and digits: 62^8 ≈ 2.2 × 10^14, about 47.6 bits.
 * Letters and digits only, because phones' link detection stops at many
 * punctuation marks. Guessing is not worth much (a code leads to a public
 * page and, at most, records one read under the recipient's grid) and is
 * slow: with a million live codes a guess hits one in 2 × 10^8 tries, which
 * a site answering each with a database lookup does not serve unnoticed.
 */
export const SHORT_CODE_CHARS = 8
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

export function newShortCode(): string {
  let code = ''
  for (let i = 0; i < SHORT_CODE_CHARS; i++) code += ALPHABET[randomInt(ALPHABET.length)]
  return code
}

export const isShortCode = (code: string): boolean => code.length === SHORT_CODE_CHARS && /^[A-Za-z0-9]+$/.test(code)

/** The path a recipient's code leads to: the content's page with their read token (attributed to their grid). */
export function shortLinkTarget(collection: ContentSlug, doc: unknown, s: Pick<SubscriberDoc, 'ref'> & Partial<Pick<SubscriberDoc, 'grid' | 'consents'>>): string {
  const base = 'http://x'
  return trackedContentUrl(collection, doc, trackFor(collection, doc, 'sms', s), base).slice(base.length)
}

/** Store the codes of one call's recipients before the call: a message's link must work when it arrives. */
export async function storeShortLinks(payload: Payload, delivery: string | number, links: { code: string; target: string }[]): Promise<void> {
  for (const l of links) {
    await payload.db.create({ collection: 'sms-links', data: { code: l.code, delivery: String(delivery), target: l.target }, req: noTransaction() })
  }
}

/** The path a code redirects to, or null for a code nobody was sent. */
export async function shortLinkPath(payload: Payload, code: string): Promise<string | null> {
  if (!isShortCode(code)) return null
  const row = await payload.db.findOne<{ id: string | number; target: string }>({ collection: 'sms-links', where: { code: { equals: code } } })
  return row?.target ?? null
}
