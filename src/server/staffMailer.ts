import type { Payload, SendEmailOptions } from 'payload'

import { EmailChannel } from '../channels/email'
import { parseMailbox } from '../lib/mailbox'
import type { StaffMailSender } from '../jobs/nudge'
import { emailSettings, env } from './env'

/**
 * The sending side of Payload's own mail (the adapter: server/staffMail.ts),
 * registered in the engine registry by initPayload (server/engine.ts).
 *
 * A send is queued and the call returns at once: Payload awaits sendEmail
 * inside the forgot-password operation, with its transaction (and on SQLite
 * the write turn) open, so a slow or unreachable SMTP server would otherwise
 * hold the caller and every writer behind it. Failures go to the log; the
 * person can ask again.
 */
const inFlight = new Set<Promise<void>>()
let channel: { key: string; channel: EmailChannel } | null = null

function channelFromEnv(): EmailChannel | null {
  const smtp = emailSettings()
  if (!smtp) return null
  const { url, from } = smtp
  const key = `${url}\n${from}`
  if (channel?.key !== key) {
    void channel?.channel.close()
    channel = { key, channel: new EmailChannel({ url, from, maxConnections: 2 }) }
  }
  return channel.channel
}

/** Plain text for a mail Payload gives as HTML only: line breaks kept, links written out, tags dropped. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(head|style|title)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h\d|li|tr)>/gi, '\n\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

function recipients(to: SendEmailOptions['to']): string[] {
  const list = Array.isArray(to) ? to : to ? [to] : []
  return list.map((r) => (typeof r === 'string' ? r : r.address)).filter(Boolean)
}

function queueStaffMail(message: SendEmailOptions, log: Payload['logger']): number {
  const to = recipients(message.to)
  const html = typeof message.html === 'string' ? message.html : ''
  const text = typeof message.text === 'string' ? message.text : htmlToText(html)
  const subject = message.subject ?? ''
  for (const address of to) {
    const job = (async () => {
      const mailer = channelFromEnv()
      if (!mailer) {
        log.warn({ subject }, 'staff mail not sent: SMTP_URL or MAIL_FROM is not set')
        return
      }
      // The sender is always MAIL_FROM: Payload's default "from" is built from the same setting.
      const result = await mailer.send({ to: address, subject, html, text })
      if (result.ok) log.info({ subject }, 'staff mail submitted')
      else log.warn({ subject, error: result.kind, code: result.code, message: result.message }, 'staff mail not submitted')
    })().catch((err) => log.error({ err, subject }, 'staff mail failed'))
    inFlight.add(job)
    void job.finally(() => inFlight.delete(job))
  }
  return to.length
}

export const staffMailer: StaffMailSender = {
  get from() {
    return parseMailbox(env.mailFrom)
  },
  send: queueStaffMail,
}

/** Resolves when every staff mail queued in this process has been handed to SMTP or failed (tests, shutdown). */
export async function staffMailIdle(): Promise<void> {
  while (inFlight.size) await Promise.all([...inFlight])
}

/** Wait for queued staff mail, then close the SMTP pool (shutdown, tests). */
export async function closeStaffMail(): Promise<void> {
  await staffMailIdle()
  const open = channel
  channel = null
  await open?.channel.close()
}
