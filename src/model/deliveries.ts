/** A delivery's statuses, channels, transitions and document shape (the collection: src/collections/Deliveries.ts). */
import type { ContentSlug } from './content'

export const DELIVERY_STATUSES = ['queued', 'running', 'done', 'partial', 'failed', 'paused', 'cancelled', 'skipped'] as const
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number]
export const UNFINISHED: DeliveryStatus[] = ['queued', 'running', 'paused']
export const DELIVERY_CHANNELS = ['email', 'webpush', 'wechat', 'sms'] as const
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number]

/** The channels a content type goes out on: WeChat is the street's account, so never grid announcements. */
export const channelsOfType = (collection: ContentSlug): DeliveryChannel[] => DELIVERY_CHANNELS.filter((c) => c !== 'wechat' || collection !== 'announcements')

/** Per channel: ticked (true), unticked (false) or never set (null: the site's default applies). */
export type ChannelChoice = Partial<Record<DeliveryChannel, boolean | null>>

/** The channels a content goes out on: its own choice where it made one, the site's default per type otherwise (all when unset). */
export function chosenChannels(collection: ContentSlug, own: ChannelChoice | null | undefined, siteDefault: ChannelChoice | null | undefined): DeliveryChannel[] {
  return channelsOfType(collection).filter((c) => {
    const mine = own?.[c]
    if (typeof mine === 'boolean') return mine
    return siteDefault?.[c] !== false
  })
}

/**
 * What a delivery carries: the content itself, or a short notice about it to
 * those the content's own delivery reached (a correction, a withdrawal).
 */
/** A new delivery row's progress: nothing sent, no go-ahead yet (publication, notice and WeChat republish rows alike). */
export const FRESH_DELIVERY = {
  goAhead: false,
  total: 0,
  submitted: 0,
  failed: 0,
  gone: 0,
  resumes: 0,
  maxDuplicates: 0,
  lastErrors: [] as never[],
} as const

/**
 * `fallback`: the content again, by a resident's next channel, to those a channel failed for good
 * and no channel reached (src/delivery/fallback.ts); its `round` says which (1: after the content's
 * own deliveries, 2: after round 1's, ...).
 */
export const DELIVERY_KINDS = ['content', 'correction', 'withdrawal', 'fallback'] as const
export type DeliveryKind = (typeof DELIVERY_KINDS)[number]
export type NoticeKind = 'correction' | 'withdrawal'
export const isNotice = (d: { kind?: DeliveryKind | null }): boolean => d.kind === 'correction' || d.kind === 'withdrawal'
/** A content's own delivery (the publication's), not a notice and not a fallback (rows from before kinds have none). */
export const isPrimary = (d: { kind?: DeliveryKind | null }): boolean => !d.kind || d.kind === 'content'
/** The content itself, whether by its own delivery or a fallback: what a resident can be reached by. */
export const carriesContent = (d: { kind?: DeliveryKind | null }): boolean => !d.kind || d.kind === 'content' || d.kind === 'fallback'

export type DeliveryError = { at: string; kind: string; code: string; message: string }

export type DeliveryDoc = {
  id: string | number
  key: string
  contentType: ContentSlug
  contentId: string
  title?: string | null
  channel: DeliveryChannel
  audience: string
  /** Absent on rows from before notices: the content itself. */
  kind?: DeliveryKind | null
  /** A notice's number: the content's correction (or withdrawal) it tells of. */
  notice?: number | null
  /** A notice's original: the content delivery whose submitted recipients it goes to. */
  original?: string | null
  /** A fallback's round (1, 2, ...); the content's own deliveries are round 0. */
  round?: number | null
  /** Set once the fallback after this delivery was planned (or found not needed): the planner looks no more. */
  fallbackPlanned?: boolean | null
  status: DeliveryStatus
  reason?: string | null
  urgent?: boolean | null
  publishedAt?: string | null
  goAhead?: boolean | null
  cursor?: string | null
  total?: number | null
  submitted?: number | null
  failed?: number | null
  gone?: number | null
  inFlightLimit?: number | null
  resumes?: number | null
  maxDuplicates?: number | null
  startedAt?: string | null
  finishedAt?: string | null
  nextAttemptAt?: string | null
  lastErrors?: DeliveryError[] | null
  wechat?: Record<string, unknown> | null
  createdAt?: string
}

const idOf = (v: unknown) => String(v && typeof v === 'object' ? (v as { id: unknown }).id : v)

/** The audience key of a content (the same as its deliveries'): the whole street, or its grids. */
export function audienceKey(collection: ContentSlug, doc: { grids?: unknown[] | null; wholeStreet?: boolean | null }): string {
  const grids = () => [...new Set((doc.grids ?? []).map(idOf))].sort()
  if (collection === 'announcements') return `grids:${grids().join(',')}`
  if (collection === 'events' && !doc.wholeStreet && doc.grids?.length) return `grids:${grids().join(',')}`
  return 'street'
}

/** What an editor may do: pause a running one, resume a paused one (its go-ahead), cancel an unfinished one, retry failed recipients. */
export const EDITOR_TRANSITIONS: Record<string, DeliveryStatus[]> = {
  queued: ['paused', 'cancelled'],
  running: ['paused', 'cancelled'],
  paused: ['queued', 'cancelled'],
  partial: ['queued'],
  failed: ['queued'],
}

/**
 * The deliveries whose reached a notice goes to: its original and the fallbacks of the same
 * content on the same channel (a resident reached by a fallback is told of a correction too,
 * also when the content's own delivery there reached nobody). `rows`: the content's deliveries.
 */
export function noticeSourcesIn(rows: DeliveryDoc[], original: Pick<DeliveryDoc, 'id' | 'channel'>): string[] {
  const fallbacks = rows.filter((d) => d.kind === 'fallback' && d.channel === original.channel && String(d.id) !== String(original.id))
  return [String(original.id), ...fallbacks.map((d) => String(d.id))]
}
