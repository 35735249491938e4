/**
 * Email over an SMTP pool (nodemailer). The message arrives already rendered
 * (HTML and text strings with the recipient's own links spliced in); the
 * channel writes the MIME message itself (see mime.ts) and hands it to the
 * pool as raw bytes, so a send costs one encoding and one SMTP transaction.
 */
import net from 'node:net'

import nodemailer from 'nodemailer'
import SMTPPool from 'nodemailer/lib/smtp-pool'

import { failure, isFailure, ok, type PreparingChannel, type SendFailure, type SendResult } from '../types'
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

/**
 * Every nodemailer/SMTP failure to a kind:
 * - authentication (EAUTH, 530/535) and a refused sender (5xx at MAIL FROM) → config
 * - any other 5xx (RCPT TO, DATA) → recipient-gone: permanent for this address
 * - 4xx (421 closing, 450/451/452 try later) → retryable
 * - connection loss, timeouts, refused connections → retryable
 * - anything else (malformed message, TLS set-up) → config
 */
export function mapSmtpError(err: unknown): SendFailure {
  const e = err as NodemailerError
  const message = e?.response || e?.message || String(err)
  const reply = e?.responseCode
  if (e?.code === 'EAUTH' || reply === 530 || reply === 535) return failure('config', reply ?? 'EAUTH', message)
  if (reply && reply >= 500) {
    if (/^MAIL\b/i.test(e.command ?? '')) return failure('config', reply, message)
    return failure('recipient-gone', reply, message)
  }
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
      // A pool answers per recipient; one recipient per message, so one verdict.
      if (info.rejected?.length) return failure('recipient-gone', 'rejected', info.response || 'Recipient rejected')
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
