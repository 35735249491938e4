import type { PushNotification, Urgency } from '../channels/webpush'
import type { ContentSlug } from '../model/content'
import { t } from '../i18n/messages'
import { clip, formatDateTime, issueNumberLabel } from './format'
import type { EventDoc, IssueDoc, SiteChrome } from './site/types'

/**
 * The web-push message of a content, the same for every device: title,
 * summary, icon and the page URL; high urgency for urgent content; one topic
 * per content (a newer message for it replaces an undelivered one).
 */
export type PushContent = { notification: PushNotification; urgency: Urgency; topicKey: string; ttlSeconds: number }

export function pushForContent(input: {
  collection: ContentSlug
  doc: { id: string | number; title: string; summary?: string | null; urgent?: boolean | null }
  settings: SiteChrome
  url: string
  icon: string
  ttlSeconds: number
}): PushContent {
  const { collection, doc, settings } = input
  let body = doc.summary ?? ''
  if (collection === 'issues') {
    const issue = `${settings.periodicalName} ${issueNumberLabel((doc as IssueDoc).number)}`
    body = body ? t('format.labelled', 'zh', { label: issue, value: body }) : issue
  }
  if (collection === 'events') {
    const e = doc as unknown as EventDoc
    body = `${formatDateTime(e.startsAt)} ${e.location}${body ? `\n${body}` : ''}`
  }
  const title = `${doc.urgent ? `【${t('mail.content.urgent')}】` : ''}${doc.title}`
  return {
    // fitPushPayload (the channel) cuts further if the JSON still exceeds 3,993 bytes.
    notification: { title, body: clip(body, 300), icon: input.icon, url: input.url, tag: `${collection}-${doc.id}` },
    urgency: doc.urgent ? 'high' : 'normal',
    topicKey: `${collection}-${doc.id}`,
    ttlSeconds: input.ttlSeconds,
  }
}
