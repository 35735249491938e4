import type { Payload } from 'payload'

import { EmailChannel, type EmailMessage } from '../channels/email'
import type { SendResult } from '../channels/types'
import type { SubscriberDoc } from '../model/subscribers'
import { type MessageKey, t } from '../i18n/messages'
import { emailSettings } from '../server/env'
import { alreadySubscribedMail, confirmMail, type SubscriptionMailContext } from '../templates/email/confirm'
import { cachedSettings } from '../content/data'
import { CONFIRM_TTL_SECONDS, gridById, requestedChoices, type SubscribeOutcome, subscriberLinks } from '../subscribers/service'

/** What the subscription mails need from a channel: the email channel, or a stand-in in a test. */
export type MailSender = { send(message: EmailMessage): Promise<SendResult> }

/** The email channel as the environment configures it (SMTP_URL, MAIL_FROM), or null when it is not configured. */
export function mailerFromEnv(): EmailChannel | null {
  const smtp = emailSettings()
  return smtp ? new EmailChannel({ url: smtp.url, from: smtp.from, maxConnections: 2 }) : null
}

const instances = new Set<SubscriptionMails>()

/** Resolves when every subscription mail queued in this process has been handed to SMTP (tests, shutdown). */
export async function subscriptionMailsIdle(): Promise<void> {
  await Promise.all([...instances].map((m) => m.idle()))
}

/**
 * Sends the mail a subscribe request calls for, after the response has gone:
 * the resident's page never waits on SMTP, and its timing never depends on
 * which mail (if any) the address gets. Sends in flight are tracked so that
 * tests and a stopping server can wait for them.
 */
export class SubscriptionMails {
  private readonly inFlight = new Set<Promise<void>>()

  constructor(
    private readonly payload: Payload,
    readonly sender: MailSender | null,
  ) {
    instances.add(this)
  }

  get configured(): boolean {
    return this.sender !== null
  }

  /** Queue the mail for an outcome; never throws, failures go to the log. */
  sendFor(outcome: SubscribeOutcome): void {
    const job = this.deliver(outcome).catch((err) =>
      this.payload.logger.error({ err, component: 'subscribe', subscriber: outcome.subscriber.id }, 'subscription mail failed'),
    )
    this.inFlight.add(job)
    void job.finally(() => this.inFlight.delete(job))
  }

  /** Resolves when every mail queued so far has been handed to SMTP (or failed). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight])
  }

  private async deliver({ kind, subscriber }: SubscribeOutcome): Promise<void> {
    if (!this.sender) return
    if (kind === 'quiet') {
      this.payload.logger.info({ component: 'subscribe', subscriber: subscriber.id, kind }, 'no confirmation mail: the address bounced and was mailed in the last 30 days')
      return
    }
    const ctx = await this.context(subscriber)
    const mail = kind === 'already-active' ? alreadySubscribedMail(ctx) : confirmMail(ctx)
    const result = await this.sender.send({ to: subscriber.email, subject: mail.subject, text: mail.text, html: mail.html, headers: mail.headers })
    const log = { component: 'subscribe', subscriber: subscriber.id, kind }
    if (result.ok) this.payload.logger.info(log, 'subscription mail submitted')
    else this.payload.logger.warn({ ...log, error: result.kind, code: result.code, message: result.message }, 'subscription mail not submitted')
  }

  private async context(s: SubscriberDoc): Promise<SubscriptionMailContext> {
    const site = await cachedSettings(this.payload)
    // The choices the mail asks to confirm: the waiting request's (for an active resident, what is in force).
    const wanted = s.status === 'active' ? requestedChoices({ ...s, pendingRequest: null }) : requestedChoices(s)
    const grid = await gridById(this.payload, wanted.grid)
    return {
      streetName: site.streetName,
      periodicalName: site.periodicalName,
      hotline: site.hotline,
      gridLabel: grid ? t('subscribe.gridLabel', 'zh', { code: grid.code, name: grid.name, community: grid.community.name }) : '',
      topics: wanted.topics.map((x) => t(`topic.${x}` as MessageKey)),
      channels: wanted.channels.map((x) => t(`channel.${x}` as MessageKey)),
      links: subscriberLinks(s),
      confirmDays: Math.round(CONFIRM_TTL_SECONDS / 86400),
    }
  }
}
