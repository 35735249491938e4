import type { Payload } from 'payload'

import type { EmailMessage } from '../channels/email'
import { isFailure } from '../channels/types'
import type { SubscriberDoc } from '../model/subscribers'
import { t } from '../i18n/messages'
import { mediaFor, richValues } from '../content/data'
import { noTransaction } from '../store/noTransaction'
import { fill, recipientParts, renderContentMail } from '../templates/email/content'
import { emailChannel } from './channels'
import { toOutcome, withRetries, type RecipientsDriver } from './driver'
import { messageLinks } from './links'

/**
 * The email driver: the content's mail rendered once per delivery (MIME parts
 * with placeholders), then per recipient the greeting with their grid and
 * their signed links, made ready (MIME) before the send. A recipient whose
 * address is gone for good (a 5xx refusal) is suppressed.
 */
export const emailDriver: RecipientsDriver = {
  kind: 'recipients',
  async render(payload, { collection, doc, settings, base, url, tuning }) {
    const media = await mediaFor(payload, richValues(collection, doc))
    const mail = renderContentMail({ collection, doc: doc as never, settings, contentUrl: url, base, media })
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
  gone: suppress,
}

async function suppress(payload: Payload, s: SubscriberDoc, code: string) {
  await payload.db.updateOne({
    collection: 'subscribers',
    id: s.id,
    data: { status: 'suppressed', suppressedReason: t('delivery.suppressed', 'zh', { code }) },
    returning: false,
    req: noTransaction(),
  })
}
