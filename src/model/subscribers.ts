/** A subscriber's statuses, channels, topics, consents and document shape (the collection: src/collections/Subscribers.ts). */
import { randomBytes } from 'node:crypto'

export const SUBSCRIBER_STATUSES = ['pending', 'active', 'unsubscribed', 'suppressed'] as const
export const SUBSCRIBER_CHANNELS = ['email', 'webpush', 'sms'] as const
/** The channels the subscribe form offers; SMS with a number verified by a texted code (src/subscribers/smsCode.ts). */
export const FORM_CHANNELS = ['email', 'webpush', 'sms'] as const satisfies readonly SubscriberChannel[]
export const TOPICS = ['issues', 'events', 'policies', 'announcements'] as const
export const CONSENT_PURPOSES = ['content', 'statistics'] as const
export const CONSENT_METHODS = ['web', 'preferences', 'link', 'import', 'admin', 'sms-reply'] as const
export const SUBSCRIBER_SOURCES = ['web', 'import', 'admin'] as const

export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number]
export type SubscriberChannel = (typeof SUBSCRIBER_CHANNELS)[number]
export type Topic = (typeof TOPICS)[number]
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number]
export type ConsentMethod = (typeof CONSENT_METHODS)[number]

export type ConsentEntry = {
  purpose: ConsentPurpose
  granted: boolean
  at: string
  textVersion: string
  method: ConsentMethod
  evidence?: string | null
}

/** The narrow shape code reads (ids are numbers on SQLite, strings on MongoDB). */
export type SubscriberDoc = {
  id: string | number
  /**
   * Absent (undefined at run time) for a resident who subscribed by mobile
   * number only; such a record never has the 'email' channel, so email
   * deliveries and mails never see one. Typed as a string for them.
   */
  email: string
  /** The sealed number (src/subscribers/phone.ts) and its keyed index; staff read phoneMasked. */
  phone?: string | null
  phoneIndex?: string | null
  grid: string | number | { id: string | number; code?: string; name?: string }
  channels: SubscriberChannel[]
  topics: Topic[]
  /** Content types sent by SMS besides urgent content (empty: urgent only). */
  smsTopics?: Topic[] | null
  /** The order of channels for fallback (channelOrderOf reads it; unset: DEFAULT_CHANNEL_ORDER). */
  channelOrder?: SubscriberChannel[] | null
  status: SubscriberStatus
  consents?: ConsentEntry[] | null
  confirmedAt?: string | null
  unsubscribedAt?: string | null
  lastRequestAt?: string | null
  source?: string | null
  ref: string
  confirmNonce?: string | null
  suppressedReason?: string | null
  /** The delivery whose refusal suppressed this address (its id as text), the refusal's code, and when. */
  suppressedBy?: string | null
  suppressedCode?: string | null
  suppressedAt?: string | null
  /** A subscribe request waiting for its confirmation (the choices it asked for); applied only when confirmed. */
  pendingRequest?: PendingRequest | null
  /** When the last confirmation mail went to this address (a suppressed address gets at most one per 30 days). */
  confirmMailAt?: string | null
  /** The texted verification code's keyed hash, expiry and tries used (src/subscribers/smsCode.ts). */
  smsCode?: string | null
  smsCodeExpiresAt?: string | null
  smsCodeTries?: number | null
  createdAt?: string
  updatedAt?: string
}

/**
 * What a subscribe request asked for, kept until the resident confirms it
 * from their mailbox: nothing of it is in force before (an unsubscribed or
 * suppressed record keeps its status; no consent is recorded for a request
 * nobody confirmed). The versions are those of the texts the form showed.
 */
export type PendingRequest = {
  grid: string | number
  channels: SubscriberChannel[]
  topics: Topic[]
  statistics: boolean
  at: string
  versions: { content: string; statistics: string }
}

/** The fallback order when a resident chose none: the free channels first, the paid one (SMS) last. */
export const DEFAULT_CHANNEL_ORDER: readonly SubscriberChannel[] = ['email', 'webpush', 'sms']

/**
 * A resident's fallback order, whole: their own order (known channels, each once), then any
 * channel it leaves out in the default order. Only channels they opted into are ever used.
 */
export function channelOrderOf(s: { channelOrder?: readonly string[] | null }): SubscriberChannel[] {
  const own = (s.channelOrder ?? []).filter((c): c is SubscriberChannel => (SUBSCRIBER_CHANNELS as readonly string[]).includes(c))
  return [...new Set([...own, ...DEFAULT_CHANNEL_ORDER])]
}

/** A fresh random reference: what signed links name instead of the (reusable) numeric id or the address. */
export const newRef = () => randomBytes(16).toString('base64url')
