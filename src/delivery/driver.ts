import type { Payload } from 'payload'

import type { SendFailure, SendResult } from '../channels/types'
import type { ContentSlug } from '../model/content'
import type { DeliveryDoc, DeliveryError } from '../model/deliveries'
import type { SubscriberDoc } from '../model/subscribers'
import { t, type Lang, type MessageKey } from '../i18n/messages'
import type { Lease } from '../store/leases'
import type { SiteChrome } from '../templates/site/types'
import type { deliverySettings } from './config'
import { remember } from './rows'

/**
 * What a delivery driver is, and what the drivers share. The pipeline
 * (pipeline.ts) knows channels only through the registry (drivers.ts), which
 * holds one driver per channel of DELIVERY_CHANNELS. A driver is one of:
 * - `recipients`: the pipeline pages through the audience and keeps the
 *   crash-safety contract (claim, batch after the cursor, receipt before the
 *   next recipient, cursor, final state); the driver renders once per delivery
 *   and makes each recipient's send ready (email, web push);
 * - `stages`: the channel has no recipient list and runs its own resumable
 *   stages once the pipeline's preflight passed (WeChat, wechat/).
 */
export type DeliveryTuning = ReturnType<typeof deliverySettings>

/** A recipient's send, as the pipeline records it; `stop` halts the delivery (settings, quota, a long Retry-After). */
export type Outcome = { status: 'submitted' | 'failed' | 'gone' | 'skipped'; code?: string; failure?: SendFailure } | { status: 'stop'; failure: SendFailure }

export type ContentRow = Record<string, unknown> & { id: string | number }

export type RenderInput = {
  delivery: DeliveryDoc
  collection: ContentSlug
  doc: ContentRow
  settings: SiteChrome
  /** The public base URL and the content's own page under it. */
  base: string
  url: string
  tuning: DeliveryTuning
}

/** A recipient's message made ready (links, MIME or encryption: local work only); calling it sends. */
export type ReadySend = () => Promise<Outcome>

/** Several recipients' messages made ready for one call (SMS SendBatchSms); calling it sends: one outcome per recipient, in order. */
export type ReadyGroupSend = () => Promise<Outcome[]>

/** A delivery's content rendered once by a recipients driver: `batch` (one recipient a call) or `group` (up to perCall a call). */
export type Rendered = {
  /** Per batch: what the messages need beyond the subscribers (a push recipient's devices), then one ready-maker. */
  batch?(payload: Payload, recipients: SubscriberDoc[], gridName: (s: SubscriberDoc) => string): Promise<(s: SubscriberDoc) => ReadySend>
  /** Per batch, for a driver whose call takes several recipients: a ready-maker for up to `perCall` recipients at once. */
  group?(payload: Payload, recipients: SubscriberDoc[], gridName: (s: SubscriberDoc) => string): Promise<(group: SubscriberDoc[]) => ReadyGroupSend>
}

export type FieldError = { field: string; message: string }

/** What a test-send renders: the content's latest version (a draft too), as the pipeline would. */
export type TestRender = Omit<RenderInput, 'delivery' | 'tuning'>

/** A test-send's recipient on one channel (an address, the editor's device), read from the request. */
export type TestRecipient = {
  /** Render the content, marked as a test, and send it to this recipient only; nothing is recorded. */
  send(payload: Payload, input: TestRender): Promise<SendResult>
  /** The editor's answers: sent; not sent (with the reason, which names the refusal when the recipient was refused). */
  sent(lang: Lang): string
  notSent: MessageKey
  refused(f: SendFailure): MessageKey
}

/** A channel that can send an editor one test message before publishing. */
export type TestSender = {
  /** This channel's recipient from the request body, or the fields in error. */
  recipient(body: Record<string, unknown>, lang: Lang): { errors: FieldError[] } | { recipient: TestRecipient }
}

/** Which delivery answered a recipient as gone, and with which code (kept on the subscriber so the episode can be undone). */
export type GoneBy = { delivery: string | number; code: string }

export type RecipientsDriver = {
  kind: 'recipients'
  render(payload: Payload, input: RenderInput): Promise<Rendered>
  /**
   * Recipients one call of this delivery takes (default 1; `group` sends them). The crash bound is
   * then calls in flight × recipients a call, recorded as the delivery's inFlightLimit.
   */
  perCall?(d: DeliveryDoc): number
  /** Subscriber fields the driver's messages need beyond the pipeline's (address, grid, ref, consents). */
  fields?: Record<string, true>
  /** A time the delivery must wait for before its next batch (SMS quiet hours), or null to go on now. */
  hold?(payload: Payload, d: DeliveryDoc): Promise<Date | null>
  testSend?: TestSender
  /** The recipient's address is gone for good (an email bounce): act on the subscriber. */
  gone?(payload: Payload, s: SubscriberDoc, by: GoneBy): Promise<void>
  /**
   * Undo `gone` for these recipients of this delivery (the pipeline's streak guard: the same
   * reply for many in a row is the server's fault, not theirs); returns how many were restored.
   */
  restore?(payload: Payload, delivery: string | number, subscribers: (string | number)[]): Promise<number>
}

export type StagesDriver = {
  kind: 'stages'
  /** Work a claimed delivery as far as it can go now; true when it is finished for good. */
  run(payload: Payload, claimed: DeliveryDoc, doc: ContentRow, lease?: Lease): Promise<boolean>
}

export type Driver = RecipientsDriver | StagesDriver

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Try again on a temporary failure, with doubling backoff or the service's
 * Retry-After, while the wait stays short; a longer wait comes back as the
 * failure itself (the caller defers the whole delivery instead of holding a slot).
 */
export async function withRetries(send: () => Promise<SendResult>, s: DeliveryTuning): Promise<SendResult> {
  for (let attempt = 1; ; attempt++) {
    const r = await send()
    if (r.ok || r.kind !== 'retryable' || attempt >= s.maxAttempts) return r
    const wait = r.retryAfterMs ?? Math.min(s.retryMaxMs, s.retryBaseMs * 2 ** (attempt - 1))
    if (wait > s.retryMaxMs) return r
    await sleep(wait)
  }
}

export function toOutcome(r: SendResult, s: DeliveryTuning): Outcome {
  if (r.ok) return { status: 'submitted' }
  if (r.kind === 'recipient-gone') return { status: 'gone', code: String(r.code), failure: r }
  if (r.kind === 'rejected') return { status: 'failed', code: String(r.code), failure: r }
  if (r.kind === 'config' || r.kind === 'quota') return { status: 'stop', failure: r }
  // Still failing after the retries: a long Retry-After defers the delivery; otherwise the recipient failed.
  if (r.retryAfterMs && r.retryAfterMs > s.retryMaxMs) return { status: 'stop', failure: r }
  return { status: 'failed', code: String(r.code), failure: r }
}

/**
 * A failure in a few words for the editor, its code once ("临时拒收（451）");
 * the vendor's own text (which repeats the code, "451 4.7.1 …") goes to the log.
 */
export function failureWords(f: Pick<SendFailure, 'kind' | 'code'>): string {
  const numeric = typeof f.code === 'number' || /^\d+$/.test(String(f.code))
  const key =
    f.kind === 'recipient-gone'
      ? 'delivery.failure.gone'
      : f.kind === 'rejected'
        ? 'delivery.failure.rejected'
        : f.kind === 'quota'
        ? 'delivery.failure.quota'
        : f.kind === 'config'
          ? 'delivery.failure.config'
          : numeric
            ? 'delivery.failure.refused'
            : 'delivery.failure.network'
  return t(key, 'zh', { code: String(f.code).slice(0, 40) })
}

/**
 * Why a failure paused the delivery, one sentence for the editor: a service that refused the
 * sending as a whole says what it refused and that nobody was suppressed; settings and quota
 * say what to check.
 */
export function pauseReason(f: Pick<SendFailure, 'kind' | 'code' | 'refused' | 'reason'>): string {
  if (f.reason) return f.reason
  if (f.refused) return t(`delivery.reason.refused.${f.refused}`, 'zh', { code: String(f.code).slice(0, 40) })
  return t(f.kind === 'quota' ? 'delivery.reason.quota' : 'delivery.reason.config', 'zh', { failure: failureWords(f) })
}

/** The kind a failure is kept under among a delivery's last errors (the panel explains it by this). */
export const errorKindOf = (f: Pick<SendFailure, 'kind' | 'refused'>): string => (f.refused ? 'refused' : f.kind)

/** The catalogue key that explains a kept error's kind. */
export function errorKey(kind: string) {
  return kind === 'recipient-gone'
    ? 'delivery.error.gone'
    : kind === 'rejected'
      ? 'delivery.error.rejected'
      : kind === 'refused'
        ? 'delivery.error.refused'
        : kind === 'quota'
          ? 'delivery.error.quota'
          : kind === 'config'
            ? 'delivery.error.config'
            : 'delivery.error.retryable'
}

/** Keep a send failure among the delivery's last errors (in place). */
export function rememberFailure(errors: DeliveryError[], f: SendFailure) {
  const kind = errorKindOf(f)
  const kept = remember(errors, kind, String(f.code), t('format.withCode', 'zh', { text: t(errorKey(kind)), code: String(f.code) }))
  errors.splice(0, errors.length, ...kept)
}
