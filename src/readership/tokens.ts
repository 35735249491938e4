import { createHash } from 'node:crypto'

import type { ContentSlug } from '../model/content'
import { keyedHash, openRef, sealRef, signCompact, verifyCompact, type Refused } from '../tokens'

/**
 * Tracking tokens: what a tracked link or pixel says about the read it
 * records. Signed (src/tokens.ts, compact form), never encrypted, so they hold
 * no address and no subscriber id:
 *
 * - channel and content (type + id): what was read, and through what;
 * - grid: where the reader lives (the subscriber's grid, or the grid whose
 *   share link this is);
 * - reader: a per-content reader key, HMAC(server key, content, subscriber
 *   ref) truncated — the same resident gets a different key for every
 *   content, so reads of two contents cannot be linked;
 * - history: the subscriber's ref sealed for this content (sealHistory), only
 *   for residents who opted in to their own reading history (consent
 *   'statistics'), so their reads can be kept for them; never the ref in
 *   clear, and a different value for every content;
 * - target: for a click, a hash of the one link this token may redirect to.
 *
 * The purpose (open pixel, page read, click) is bound into the tag: a pixel
 * token does not work as a redirect and the reverse.
 */
export const TRACK_CHANNELS = ['email', 'webpush', 'share', 'sms'] as const
export type TrackChannel = (typeof TRACK_CHANNELS)[number]
export type TrackPurpose = 'open' | 'read' | 'click'

export type TrackToken = {
  channel: TrackChannel
  contentType: ContentSlug
  contentId: string
  /** The grid's id as text; '' when unknown. */
  grid: string
  /**
   * A building share link's building code (issue 18): signed in the grid
   * field as `<grid>_<code>` (grid ids hold no '_'), so the token keeps its
   * seven fields and every token signed before reads as it did.
   */
  building?: string
  reader?: string
  history?: string
  target?: string
}

const CHANNEL_CODE: Record<TrackChannel, string> = { email: 'e', webpush: 'w', share: 's', sms: 'm' }
const TYPE_CODE: Record<ContentSlug, string> = { issues: 'i', events: 'e', policies: 'p', announcements: 'a' }
export const TRACK_PURPOSE: Record<TrackPurpose, string> = { open: 'track-open', read: 'track-read', click: 'track-click' }
export const TRACK_FIELDS = 7

/** Message links are good for a little over a year; share links (printed as QR codes) do not expire. */
export const MESSAGE_TOKEN_TTL_SECONDS = 400 * 24 * 3600

export function signTrack(purpose: TrackPurpose, t: TrackToken, opts: { ttlSeconds?: number; now?: number } = {}): string {
  const grid = t.building ? `${t.grid}_${t.building}` : t.grid
  const fields = [CHANNEL_CODE[t.channel], TYPE_CODE[t.contentType], t.contentId, grid, t.reader ?? '', t.history ?? '', t.target ?? '']
  return signCompact(TRACK_PURPOSE[purpose], fields, opts)
}

/**
 * A checked token's fields → what it says; null for fields no key of ours
 * signs (an older format). Self-contained, like checkCompact: the writer
 * thread runs it from its source text, so the codes are written in (the
 * inverse of CHANNEL_CODE and TYPE_CODE; a test holds them together).
 */
export function decodeTrackFields(fields: string[]): TrackToken | null {
  const c = fields[0]
  const ty = fields[1]
  const channel = c === 'e' ? 'email' : c === 'w' ? 'webpush' : c === 's' ? 'share' : c === 'm' ? 'sms' : null
  const contentType = ty === 'i' ? 'issues' : ty === 'e' ? 'events' : ty === 'p' ? 'policies' : ty === 'a' ? 'announcements' : null
  if (!channel || !contentType || !fields[2]) return null
  const cut = fields[3].indexOf('_')
  const out: TrackToken = { channel, contentType, contentId: fields[2], grid: cut < 0 ? fields[3] : fields[3].slice(0, cut) }
  if (cut >= 0 && cut < fields[3].length - 1) out.building = fields[3].slice(cut + 1)
  if (fields[4]) out.reader = fields[4]
  if (fields[5]) out.history = fields[5]
  if (fields[6]) out.target = fields[6]
  return out
}

export type TrackVerified = { ok: true; token: TrackToken }

export function verifyTrack(token: unknown, purpose: TrackPurpose, now = Date.now()): TrackVerified | Refused {
  const v = verifyCompact(token, TRACK_PURPOSE[purpose], TRACK_FIELDS, now)
  if (!v.ok) return v
  const t = decodeTrackFields(v.fields)
  return t ? { ok: true, token: t } : { ok: false, reason: 'malformed' }
}

const contentRef = (contentType: string, contentId: string | number) => `${contentType}:${contentId}`

/** A subscriber's reader key for one content: unlinkable across contents without the server key. */
export const readerKey = (contentType: string, contentId: string | number, subscriberRef: string) =>
  keyedHash('reader', `${contentRef(contentType, contentId)}\u0000${subscriberRef}`).slice(0, 16)

/** An anonymous browser's reader key for one content, from its first-party cookie's random id. */
export const anonReaderKey = (contentType: string, contentId: string | number, cookieId: string) =>
  keyedHash('anon-reader', `${contentRef(contentType, contentId)}\u0000${cookieId}`).slice(0, 16)

/** The hash a click token carries of the one URL it may redirect to (128 bits of SHA-256). */
export const targetHash = (url: string) => createHash('sha256').update(url).digest('base64url').slice(0, 22)

/** A resident's ref as a read token of one content carries it for their reading history: sealed, per content. */
export const sealHistory = (contentType: string, contentId: string | number, ref: string) => sealRef(`history:${contentRef(contentType, contentId)}`, ref)

/** The ref a token's history field holds for this content, or null. */
export const openHistory = (contentType: string, contentId: string | number, sealed: string) => openRef(`history:${contentRef(contentType, contentId)}`, sealed)
