/**
 * A subscriber's consents and signed links: the consent texts and their versions,
 * consent records, the sealed subjects of confirm, preferences and unsubscribe
 * links (src/tokens.ts), and the links messages carry.
 */
import { createHash, randomBytes } from 'node:crypto'

import { type MessageKey, t } from '../i18n/messages'
import type { ConsentEntry, ConsentMethod, ConsentPurpose, PendingRequest, SubscriberDoc } from '../model/subscribers'
import { publicUrl } from '../server/env'
import { paths } from '../templates/paths'
import { sealRef, signToken } from '../tokens'

/** How long a confirmation link works. */
export const CONFIRM_TTL_SECONDS = 7 * 24 * 3600
/** A suppressed address (its mail bounced) gets at most one confirmation mail in this time. */
export const SUPPRESSED_MAIL_INTERVAL_SECONDS = 30 * 24 * 3600
export const MAX_ADDRESS_LENGTH = 254
export const MAX_LOCAL_PART = 64

/** The consent texts residents agree to, and their versions: a hash of the text, so a new text is a new version. */
export const CONSENT_TEXT_KEYS: Record<ConsentPurpose, MessageKey> = {
  content: 'subscribe.consent.content',
  statistics: 'subscribe.consent.statistics',
}
export function consentVersion(purpose: ConsentPurpose): string {
  return `${purpose === 'content' ? 'c' : 's'}-${createHash('sha256').update(t(CONSENT_TEXT_KEYS[purpose])).digest('hex').slice(0, 10)}`
}


export type Links = { confirm?: string; preferences: string; unsubscribe: string }


/**
 * What a link's token names: the subscriber's ref sealed for that kind of
 * link (src/tokens.ts), never the ref in clear, so a forwarded or logged link
 * gives nobody the ref. Links sent before links were sealed named the ref
 * itself; they still work (resolveToken).
 */
export const subjectOf = (purpose: 'confirm' | 'prefs' | 'unsub', ref: string) => sealRef(`subject:${purpose}`, ref)

/** Preferences and one-click unsubscribe links never expire: they name the subscriber's ref, which erasure removes. */
export const preferencesToken = (ref: string) => signToken('prefs', subjectOf('prefs', ref))
export const unsubscribeToken = (ref: string) => signToken('unsub', subjectOf('unsub', ref))

/** Absolute links for messages to this subscriber (the delivery pipeline's footers use these too). */
export function subscriberLinks(s: Pick<SubscriberDoc, 'ref'> & { confirmNonce?: string | null }, base = publicUrl()): Links {
  const links: Links = { preferences: base + paths.preferences(preferencesToken(s.ref)), unsubscribe: base + paths.unsubscribe(unsubscribeToken(s.ref)) }
  if (s.confirmNonce) links.confirm = base + paths.subscribeConfirm(signToken('confirm', subjectOf('confirm', s.ref), { ttlSeconds: CONFIRM_TTL_SECONDS, data: s.confirmNonce }))
  return links
}

// ---------------------------------------------------------------- records

export const consent = (purpose: ConsentPurpose, granted: boolean, method: ConsentMethod, at: string, evidence?: string, textVersion = consentVersion(purpose)): ConsentEntry => ({
  purpose,
  granted,
  at,
  textVersion,
  method,
  ...(evidence ? { evidence } : {}),
})

/** The latest decision per purpose. */
export function currentConsents(s: Pick<SubscriberDoc, 'consents'>): Record<ConsentPurpose, ConsentEntry | undefined> {
  const out: Record<ConsentPurpose, ConsentEntry | undefined> = { content: undefined, statistics: undefined }
  for (const c of s.consents ?? []) out[c.purpose] = c
  return out
}

export const newNonce = () => randomBytes(9).toString('base64url')

/** What a subscribe request asks for, kept until the resident confirms it (by the mailed link or the texted code). */
export function pendingRequestOf(input: Pick<PendingRequest, 'channels' | 'topics' | 'statistics'> & { grid: { id: string | number } }, at: string): PendingRequest {
  return {
    grid: input.grid.id,
    channels: input.channels,
    topics: input.topics,
    statistics: input.statistics,
    at,
    versions: { content: consentVersion('content'), statistics: consentVersion('statistics') },
  }
}

/** A new record for a web subscribe request: pending, the request waiting for its confirmation, nothing consented yet. */
export function pendingRecord(request: PendingRequest, at: string) {
  return {
    grid: request.grid,
    channels: request.channels,
    topics: request.topics,
    status: 'pending' as const,
    source: 'web' as const,
    consents: [],
    pendingRequest: request,
    confirmNonce: newNonce(),
    lastRequestAt: at,
  }
}
