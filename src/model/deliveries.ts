/** A delivery's statuses, channels, transitions and document shape (the collection: src/collections/Deliveries.ts). */
import type { ContentSlug } from './content'

export const DELIVERY_STATUSES = ['queued', 'running', 'done', 'partial', 'failed', 'paused', 'cancelled', 'skipped'] as const
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number]
export const UNFINISHED: DeliveryStatus[] = ['queued', 'running', 'paused']
export const DELIVERY_CHANNELS = ['email', 'webpush', 'wechat'] as const
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number]

export type DeliveryError = { at: string; kind: string; code: string; message: string }

export type DeliveryDoc = {
  id: string | number
  key: string
  contentType: ContentSlug
  contentId: string
  title?: string | null
  channel: DeliveryChannel
  audience: string
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

/** What an editor may do: pause a running one, resume a paused one (its go-ahead), cancel an unfinished one, retry failed recipients. */
export const EDITOR_TRANSITIONS: Record<string, DeliveryStatus[]> = {
  queued: ['paused', 'cancelled'],
  running: ['paused', 'cancelled'],
  paused: ['queued', 'cancelled'],
  partial: ['queued'],
  failed: ['queued'],
}
