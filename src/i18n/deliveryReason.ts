/**
 * A delivery's recorded reason as a staff member may read it. Setting names
 * (SMTP_URL, VAPID_SUBJECT …) are the administrator's words: everyone else
 * reads that the channel is not set up and whom to ask. Here, beside the
 * catalogue, because the deliveries panel says it in the browser and the
 * admin home on the server.
 */
import { type Lang, type MessageKey, t } from './messages'

const SETTING_NAME = /\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/
const CHANNELS = ['email', 'webpush', 'wechat', 'sms'] as const
type Channel = (typeof CHANNELS)[number]

export function reasonFor(reason: string | null | undefined, channel: string, admin: boolean, lang: Lang): string | null {
  if (!reason) return null
  if (!admin && SETTING_NAME.test(reason)) {
    const known = (CHANNELS as readonly string[]).includes(channel) ? (channel as Channel) : 'email'
    return t(`home.channel.notConfigured.${known}` as MessageKey, lang)
  }
  return reason
}

/** The channel's "not configured" message for this viewer: the settings to set for an admin, whom to ask for anyone else. */
export function notConfiguredFor(channel: Channel, admin: boolean, lang: Lang): string {
  return t(admin ? `delivery.reason.notConfigured.${channel}` : `home.channel.notConfigured.${channel}`, lang)
}
