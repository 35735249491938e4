import { type MessageKey, t } from '../i18n/messages'
import type { DeliveryDoc } from '../model/deliveries'

/**
 * A delivery's name where it is listed (the content's deliveries panel, the
 * admin home): its channel; a notice of a correction or withdrawal says so
 * beside it; a fallback is 补发（短信）, its round after the first.
 */
export function deliveryLabel(d: Pick<DeliveryDoc, 'channel' | 'kind' | 'notice' | 'round'>, lang: string): string {
  const channelName = t(`channel.${d.channel}` as MessageKey, lang)
  if (d.kind === 'fallback') return `${t('fallback.label', lang, { channel: channelName })}${(d.round ?? 1) > 1 ? ` #${d.round}` : ''}`
  if (d.kind && d.kind !== 'content') return `${channelName} · ${t(`audience.kind.${d.kind}`, lang)}${d.notice ? ` #${d.notice}` : ''}`
  return channelName
}
