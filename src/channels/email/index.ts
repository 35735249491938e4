/**
 * Email over an SMTP pool (nodemailer). The message arrives already rendered
 * (HTML and text strings with the recipient's own links spliced in); the
 * channel writes the MIME message itself (see mime.ts) and hands it to the
 * pool as raw bytes, so a send costs one encoding and one SMTP transaction.
 */
import net from 'node:net'

import nodemailer from 'nodemailer'
import SMTPPool from 'nodemailer/lib/smtp-pool'

import { failure, isFailure, ok, type PreparingChannel, type Refusal, type SendFailure, type SendResult } from '../types'
import { isAddress, parseMailbox, type Mailbox } from '../../lib/mailbox'
import { buildMime } from './mime'

export type EmailConfig = {
  /** A nodemailer connection URL (SMTP_URL), e.g. smtp://user:pass@host:587 */
  url: string
  /** Default sender (MAIL_FROM), e.g. "街道资讯 <news@example.org>". */
  from: string
  /** Parallel SMTP connections (default 5). */
  maxConnections?: number
  /** Messages per connection before it is recycled (default 100). */
  maxMessages?: number
  /** At most `rateLimit` messages per `rateDeltaMs` across the pool (default: no limit). */
  rateLimit?: number
  rateDeltaMs?: number
  /** Socket inactivity timeout (default 60 s) and connection timeout (default 15 s). */
  socketTimeoutMs?: number
  connectionTimeoutMs?: number
}

export type EmailMessage = {
  to: string
  subject: string
  html: string
  text: string
  /** e.g. List-Unsubscribe: <https://…>, List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058). */
  headers?: Record<string, string>
  /** Overrides the configured sender. */
  from?: string
}

/** A message written and ready for the pool: envelope and raw MIME. */
export type PreparedEmail = { envelope: { from: string; to: string[] }; raw: Buffer; messageId: string }

type NodemailerError = Error & { code?: string; responseCode?: number; command?: string; response?: string }

/** SMTP network failures that say nothing about the recipient: try again later. */
const NETWORK_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EDNS', 'EPROTOCOL'])

/** A bare reply at RCPT TO that names the mailbox as unknown or unusable (RFC 5321 §4.2.3). */
const BARE_GONE = new Set([550, 551, 553])

export type EnhancedStatus = { klass: number; subject: number; detail: number }

/** The enhanced status code (RFC 3463) that starts a reply's text: "550 5.7.1 Relaying denied" → 5.7.1; null when there is none. */
export function enhancedStatus(reply: string | undefined): EnhancedStatus | null {
  const m = /^\d{3}[ -]([245])\.(\d{1,3})\.(\d{1,3})(?=\s|$)/.exec((reply ?? '').trimStart())
  return m ? { klass: Number(m[1]), subject: Number(m[2]), detail: Number(m[3]) } : null
}

const refusal = (refused: Refusal, reply: number, message: string): SendFailure => ({ ...failure('config', reply, message), refused })

/**
 * A permanent (5xx) reply. A relay that refuses every recipient, or a content
 * filter, answers 5xx too: only a reply that names this one mailbox as gone
 * suppresses the address; a refusal of the sending as a whole pauses the
 * delivery and suppresses nobody.
 * - any 5xx after DATA: the server judged the message, not the address → content refusal
 * - 5.7.x (security, policy: "relaying denied") and 5.3.x (the mail system) at any stage → relay refusal
 * - 5.6.x (media, content) at any stage → content refusal
 * - any other 5xx at MAIL FROM → sender refusal
 * - at RCPT TO: 5.1.x (bad mailbox, unknown user), 5.2.1 (mailbox disabled), or a bare
 *   550/551/553 with no enhanced code → recipient-gone (this one address is suppressed)
 * - any other 5xx at RCPT TO (5.2.2 mailbox full, 5.4.x, 5.5.x, a bare 552 or 554) → rejected:
 *   this recipient fails, is not suppressed, and is sent to again when the editor retries the failed
 * - a 5xx before the envelope (the greeting, EHLO) → relay refusal
 */
function permanent(command: string, reply: number, response: string | undefined, message: string): SendFailure {
  const status = enhancedStatus(response)
  const subject = status?.klass === 5 ? status.subject : null
  if (/^DATA\b/i.test(command)) return refusal('content', reply, message)
  if (subject === 7 || subject === 3) return refusal('relay', reply, message)
  if (subject === 6) return refusal('content', reply, message)
  if (/^MAIL\b/i.test(command)) return refusal('sender', reply, message)
  if (/^RCPT\b/i.test(command)) {
    const gone = status ? subject === 1 || (subject === 2 && status.detail === 1) : BARE_GONE.has(reply)
    return failure(gone ? 'recipient-gone' : 'rejected', reply, message)
  }
  // Refused before any envelope (the greeting, EHLO): the server will not take mail from us at all.
  return refusal('relay', reply, message)
}

/**
 * Every nodemailer/SMTP failure to a kind:
 * - authentication (EAUTH, 530/535) → config
 * - 5xx → see permanent(): a refusal of the whole sending (config, with `refused`), one gone
 *   address (recipient-gone), or one refused message (rejected)
 * - 4xx (421 closing, 450/451/452 try later) → retryable
 * - connection loss, timeouts, refused connections → retryable
 * - anything else (malformed message, TLS set-up) → config
 */
export function mapSmtpError(err: unknown): SendFailure {
  const e = err as NodemailerError
  const message = e?.response || e?.message || String(err)
  const reply = e?.responseCode
  if (e?.code === 'EAUTH' || reply === 530 || reply === 535) return failure('config', reply ?? 'EAUTH', message)
  if (reply && reply >= 500) return permanent(e.command ?? '', reply, e.response, message)
  if (reply && reply >= 400) return failure('retryable', reply, message)
  if (e?.code && NETWORK_CODES.has(e.code)) return failure('retryable', e.code, message)
  return failure('config', e?.code || 'EMAIL', message)
}

/**
 * The pool's TCP connections, opened by us with Nagle's algorithm off. nodemailer
 * writes a message's end ("\r\n.\r\n") as a small write of its own; with Nagle on,
 * that write waits for the server's delayed ACK (about 40 ms on Linux), which
 * capped each connection at about 22 messages a second. nodemailer still does
 * the SMTP (and TLS: implicit for smtps://, STARTTLS otherwise) on this socket.
 */
export function connectNoDelay(options: SMTPPool.Options, timeoutMs: number, callback: (err: Error | null, socketOptions?: { connection: net.Socket }) => void) {
  const socket = net.connect({ host: options.host || 'localhost', port: options.port || (options.secure ? 465 : 587), noDelay: true })
  const fail = (err: Error) => {
    socket.destroy()
    callback(err)
  }
  socket.setTimeout(timeoutMs, () => fail(Object.assign(new Error('Connection timeout'), { code: 'ETIMEDOUT' })))
  socket.once('error', fail)
  socket.once('connect', () => {
    socket.setTimeout(0)
    socket.removeListener('error', fail)
    socket.setKeepAlive(true)
    callback(null, { connection: socket })
  })
}

export class EmailChannel implements PreparingChannel<EmailMessage, PreparedEmail> {
  readonly name = 'email' as const
  private readonly transport: nodemailer.Transporter<SMTPPool.SentMessageInfo>
  private readonly from: Mailbox

  constructor(config: EmailConfig) {
    const from = parseMailbox(config.from)
    if (!from) throw new Error(`MAIL_FROM is not a valid sender: "${config.from}"`)
    this.from = from
    const connectionTimeout = config.connectionTimeoutMs ?? 15_000
    // The pool is made here, not through createTransport({ url, ... }): given a `url`, createTransport
    // reads the URL alone and drops every other option, pool included (one connection per message).
    this.transport = nodemailer.createTransport(
      new SMTPPool({
        url: config.url,
        pool: true,
        maxConnections: config.maxConnections ?? 5,
        maxMessages: config.maxMessages ?? 100,
        ...(config.rateLimit ? { rateLimit: config.rateLimit, rateDelta: config.rateDeltaMs ?? 1000 } : {}),
        socketTimeout: config.socketTimeoutMs ?? 60_000,
        connectionTimeout,
        greetingTimeout: connectionTimeout,
        getSocket: (options, callback) => connectNoDelay(options, connectionTimeout, callback),
      }),
    )
  }

  async send(message: EmailMessage): Promise<SendResult> {
    const prepared = this.prepare(message)
    return isFailure(prepared) ? prepared : this.sendPrepared(prepared)
  }

  /** Checks the addresses and writes the MIME message; no SMTP traffic. */
  prepare(message: EmailMessage): PreparedEmail | SendFailure {
    if (!isAddress(message.to)) return failure('recipient-gone', 'invalid-address', `Not an email address: "${message.to}"`)
    const from = message.from ? parseMailbox(message.from) : this.from
    if (!from) return failure('config', 'invalid-sender', `Not a valid sender: "${message.from}"`)
    try {
      const built = buildMime({ from, to: message.to, subject: message.subject, html: message.html, text: message.text, headers: message.headers })
      return { envelope: { from: from.address, to: [message.to] }, raw: built.raw, messageId: built.messageId }
    } catch (err) {
      return failure('config', 'invalid-message', (err as Error).message)
    }
  }

  async sendPrepared(prepared: PreparedEmail): Promise<SendResult> {
    try {
      const info = await this.transport.sendMail({ envelope: prepared.envelope, raw: prepared.raw })
      // A pool answers per recipient; one recipient per message, so one verdict (classified as a thrown refusal is).
      if (info.rejected?.length) {
        const refused = (info as { rejectedErrors?: unknown[] }).rejectedErrors?.[0]
        return refused ? mapSmtpError(refused) : failure('recipient-gone', 'rejected', info.response || 'Recipient rejected')
      }
      return ok(prepared.messageId)
    } catch (err) {
      return mapSmtpError(err)
    }
  }

  /** Checks that the server answers and accepts our login (for the admin's "test connection"). */
  async verify(): Promise<SendResult> {
    try {
      await this.transport.verify()
      return ok()
    } catch (err) {
      return mapSmtpError(err)
    }
  }

  async close(): Promise<void> {
    this.transport.close()
  }
}
