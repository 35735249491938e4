/**
 * What every channel shares: the one result shape of a send, the few error
 * kinds the delivery pipeline acts on, and the error a channel throws when a
 * call cannot return a result (WeChat stages, bad input caught before a call).
 *
 * Channels import no Payload: they take their settings in their constructor
 * and talk only to their own library (nodemailer, web-push, fetch).
 */

export type ChannelName = 'email' | 'webpush' | 'wechat'

/**
 * What the pipeline does with a failure:
 * - retryable: try again later (backoff, honouring retryAfterMs when given)
 * - recipient-gone: never send to this recipient again (bounced address, expired push subscription)
 * - rejected: this message to this recipient was refused for good, but the address is not known to be
 *   gone (a full mailbox, an odd 5xx): the recipient fails, is not retried now and is not suppressed
 * - quota: the account's allowance is used up; wait for it to come back, do not hammer
 * - config: our settings or our content are wrong; a person has to act (retrying does not help).
 *   A service that refuses the sending as a whole (a relay that denies relaying, a content filter)
 *   is a config failure too, with `refused` saying what it refused: nobody's address is at fault.
 */
export type ErrorKind = 'retryable' | 'recipient-gone' | 'rejected' | 'quota' | 'config'

/** What a service refused as a whole: to relay for us, the message's content, or our sender address. */
export type Refusal = 'relay' | 'content' | 'sender'

export type SendOk = { ok: true; providerId?: string; at: Date }
export type SendFailure = {
  ok: false
  kind: ErrorKind
  /** The vendor's own code (SMTP reply code, HTTP status, WeChat errcode) or ours for checks made before a call. */
  code: string | number
  /** Technical text for the log (the vendor's message); editors get `explain…` texts from the catalogue. */
  message: string
  retryAfterMs?: number
  /** For a config failure: the service refused the whole sending (see Refusal), so the editor's words say so. */
  refused?: Refusal
  /** The editor's sentence for a pause, where the driver knows it better than the kind does (an SMS budget reached). */
  reason?: string
}
export type SendResult = SendOk | SendFailure

/** A channel that submits one message to one recipient; the message type carries the recipient. */
export interface RecipientChannel<M> {
  readonly name: ChannelName
  send(message: M): Promise<SendResult>
  close(): Promise<void>
}

/**
 * A recipient channel that can do a message's local work (encoding,
 * encryption, signing) apart from its network send: the pipeline prepares a
 * worker's next message while that worker's last receipt is being stored.
 * send(m) is sendPrepared(prepare(m)); a failure from prepare means no call was made.
 */
export interface PreparingChannel<M, P> extends RecipientChannel<M> {
  prepare(message: M): P | SendFailure
  /** Sends what prepare made; may be called again with the same value to retry. */
  sendPrepared(prepared: P): Promise<SendResult>
}

export const isFailure = (value: unknown): value is SendFailure => (value as SendFailure | null)?.ok === false

export function ok(providerId?: string): SendOk {
  return providerId ? { ok: true, providerId, at: new Date() } : { ok: true, at: new Date() }
}

export function failure(kind: ErrorKind, code: string | number, message: string, retryAfterMs?: number): SendFailure {
  const f: SendFailure = { ok: false, kind, code, message }
  if (retryAfterMs !== undefined) f.retryAfterMs = retryAfterMs
  return f
}

/** Thrown where a call has no result to return (a WeChat stage, or input refused before any call). */
export class ChannelError extends Error {
  readonly kind: ErrorKind
  readonly code: string | number
  readonly retryAfterMs?: number
  /** The input field at fault, for checks made before a call (e.g. "articles[2].title"). */
  readonly field?: string

  constructor(kind: ErrorKind, code: string | number, message: string, extra: { retryAfterMs?: number; field?: string } = {}) {
    super(message)
    this.name = 'ChannelError'
    this.kind = kind
    this.code = code
    if (extra.retryAfterMs !== undefined) this.retryAfterMs = extra.retryAfterMs
    if (extra.field !== undefined) this.field = extra.field
  }

  toFailure(): SendFailure {
    return failure(this.kind, this.code, this.message, this.retryAfterMs)
  }
}

/**
 * Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Returns
 * milliseconds from `now`, never negative; undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined | null, now = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value
  if (!raw) return undefined
  const text = raw.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - now)
}
