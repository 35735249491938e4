import type { PayloadEmailAdapter } from 'payload'

import { staffMailSender } from '../jobs/nudge'

/**
 * Payload's own mail (password reset, the set-password link of a new staff
 * account) over the same SMTP settings as everything else (SMTP_URL,
 * MAIL_FROM), through our email channel (server/staffMailer.ts).
 *
 * Not @payloadcms/email-nodemailer: it is not published at 3.90.2 (its last
 * 3.90 release, 3.90.1, pins payload 3.90.1 as its peer, and brings
 * nodemailer 9 beside our 7), and our channel already does the same job.
 *
 * The adapter is part of the config, which Next bundles; the channel is not:
 * the adapter reaches the sender through the engine registry (jobs/nudge.ts),
 * which initPayload fills in every process.
 */
export function staffMailAdapter(): PayloadEmailAdapter<{ queued: number }> {
  return ({ payload }) => {
    const log = payload.logger.child({ component: 'staff-mail' })
    const from = staffMailSender()?.from
    return {
      name: 'street-news-smtp',
      defaultFromAddress: from?.address || 'no-reply@localhost',
      defaultFromName: from?.name || '',
      sendEmail: async (message) => {
        const sender = staffMailSender()
        if (!sender) {
          log.error({ subject: message.subject }, 'staff mail not sent: no mail sender registered in this process')
          return { queued: 0 }
        }
        return { queued: sender.send(message, log) }
      },
    }
  }
}
