import { createHash } from 'node:crypto'

import type { ContentSlug } from '../collections/contentCollection'
import { keyedHash, signCompact, verifyCompact, type Refused } from '../tokens'

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
 * - history: the subscriber's ref, only for residents who opted in to their
 *   own reading history (consent 'statistics'), so their reads can be kept for them;
 * - target: for a click, a hash of the one link this token may redirect to.
 *
 * The purpose (open pixel, page read, click) is bound into the tag: a pixel
 * token does not work as a redirect and the reverse.
 */
export const TRACK_CHANNELS = ['email', 'webpush', 'share'] as const
export type TrackChannel = (typeof TRACK_CHANNELS)[number]
export type TrackPurpose = 'open' | 'read' | 'click'

export type TrackToken = {
  channel: TrackChannel
  contentType: ContentSlug
  contentId: string
  /** The grid's id as text; '' when unknown. */
  grid: string
  reader?: string
  history?: string
  target?: string
}

const CHANNEL_CODE: Record<TrackChannel, string> = { email: 'e', webpush: 'w', share: 's' }
const TYPE_CODE: Record<ContentSlug, string> = { issues: 'i', events: 'e', policies: 'p', announcements: 'a' }
const decode = <T extends string>(map: Record<T, string>) => Object.fromEntries(Object.entries(map).map(([k, v]) => [v, k])) as Record<string, T>
const CHANNEL_OF = decode(CHANNEL_CODE)
const TYPE_OF = decode(TYPE_CODE)
const PURPOSE: Record<TrackPurpose, string> = { open: 'track-open', read: 'track-read', click: 'track-click' }
const FIELDS = 7

/** Message links are good for a little over a year; share links (printed as QR codes) do not expire. */
export const MESSAGE_TOKEN_TTL_SECONDS = 400 * 24 * 3600

export function signTrack(purpose: TrackPurpose, t: TrackToken, opts: { ttlSeconds?: number; now?: number } = {}): string {
  const fields = [CHANNEL_CODE[t.channel], TYPE_CODE[t.contentType], t.contentId, t.grid, t.reader ?? '', t.history ?? '', t.target ?? '']
  return signCompact(PURPOSE[purpose], fields, opts)
}

export type TrackVerified = { ok: true; token: TrackToken }

export function verifyTrack(token: unknown, purpose: TrackPurpose, now = Date.now()): TrackVerified | Refused {
  const v = verifyCompact(token, PURPOSE[purpose], FIELDS, now)
  if (!v.ok) return v
  const [c, ty, contentId, grid, reader, history, target] = v.fields
  const channel = CHANNEL_OF[c]
  const contentType = TYPE_OF[ty]
  // Only our own key signs tokens, so this is a token from an older format: refuse it as unreadable.
  if (!channel || !contentType || !contentId) return { ok: false, reason: 'malformed' }
  const out: TrackToken = { channel, contentType, contentId, grid }
  if (reader) out.reader = reader
  if (history) out.history = history
  if (target) out.target = target
  return { ok: true, token: out }
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
