import type { EmailMessage } from '../channels/email'
import { isFailure } from '../channels/types'
import { t } from '../i18n/messages'
import { isAddress } from '../lib/mailbox'
import { mediaFor, richValues } from '../content/data'
import { restoreSuppressed, suppressFor } from '../subscribers/suppression'
import { fill, recipientParts, renderContentMail } from '../templates/email/content'
import { renderNoticeMail } from '../templates/notice'
import { isNotice } from '../model/deliveries'
import { emailChannel } from './channels'
import { toOutcome, withRetries, type RecipientsDriver, type TestSender } from './driver'
import { messageLinks, testLinks } from './links'

/**
 * The email driver: the content's mail rendered once per delivery (MIME parts
 * with placeholders), then per recipient the greeting with their grid and
 * their signed links, made ready (MIME) before the send. A recipient whose
 * address is gone for good (a 5xx that names the mailbox, see
 * channels/email mapSmtpError) is suppressed, the delivery and code kept on
 * the record, so that the pipeline's streak guard and the admin's restore can
 * undo it (src/subscribers/suppression.ts).
 */
export const emailDriver: RecipientsDriver = {
  kind: 'recipients',
  async render(payload, { delivery, collection, doc, settings, base, url, tuning }) {
    // A notice of a correction or a withdrawal is a short mail of its own (src/templates/notice.ts).
    const mail =
      isNotice(delivery) && delivery.kind
        ? renderNoticeMail({ kind: delivery.kind as 'correction' | 'withdrawal', collection, doc: doc as never, settings, contentUrl: url })
        : renderContentMail({ collection, doc: doc as never, settings, contentUrl: url, base, media: await mediaFor(payload, richValues(collection, doc)) })
    return {
      batch: async (_payload, _recipients, gridName) => (s) => {
        const links = messageLinks(collection, doc, s)
        const parts = recipientParts(t('mail.content.greeting', 'zh', { grid: gridName(s) }), links, mail)
        const message: EmailMessage = { to: s.email, subject: mail.subject, html: fill(mail.html, parts.html), text: fill(mail.text, parts.text), headers: parts.headers }
        const channel = emailChannel()
        const made = channel.prepare(message)
        return async () => toOutcome(isFailure(made) ? made : await withRetries(() => channel.sendPrepared(made), tuning), tuning)
      },
    }
  },
  gone: (payload, s, by) => suppressFor(payload, s.id, by),
  restore: async (payload, delivery, ids) => (await restoreSuppressed(payload, delivery, { ids })).length,
  testSend: {
    recipient(body, lang) {
      const to = typeof body.to === 'string' ? body.to.trim().toLowerCase() : ''
      if (!isAddress(to)) return { errors: [{ field: 'to', message: t('testSend.error.to', lang) }] }
      return {
        recipient: {
          // Its footer links lead to the subscribe page: the address is nobody's subscription.
          async send(payload, { collection, doc, settings, base, url }) {
            const media = await mediaFor(payload, richValues(collection, doc))
            const mail = renderContentMail({ collection, doc: doc as never, settings, contentUrl: url, base, media })
            const parts = recipientParts(t('testSend.greeting'), testLinks(base))
            const subject = `【${t('testSend.subjectTag')}】${mail.subject}`
            return emailChannel().send({ to, subject, html: fill(mail.html, parts.html), text: fill(mail.text, parts.text), headers: parts.headers })
          },
          sent: (lang) => t('testSend.sent', lang, { to }),
          notSent: 'testSend.failed',
          refused: () => 'testSend.refused',
        },
      }
    },
  } satisfies TestSender,
}
