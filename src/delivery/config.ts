import type { DeliveryChannel } from '../model/deliveries'
import { originsFrom } from '../lib/outbound'
import { emailSettings, env, vapidSettings, wechatAccount } from '../server/env'

/** The delivery settings live in the settings module (server/env.ts). */
export { deliverySettings } from '../server/env'

/**
 * Push services of our own (PUSH_TRUSTED_ORIGINS, comma-separated origins):
 * exempt from the outbound guard, so they may be plain http or on a private
 * network. It applies to residents' subscriptions, editors' test sends and
 * the deliveries alike; every other endpoint must be https to a public address.
 */
export const pushTrustedOrigins = (): string[] => originsFrom(env.pushTrustedOrigins, 'PUSH_TRUSTED_ORIGINS')

/** Is a channel configured in this environment? A channel that is not is recorded as skipped, never a crash. */
export function channelConfigured(channel: DeliveryChannel): boolean {
  if (channel === 'email') return emailSettings() !== null
  if (channel === 'webpush') return vapidSettings() !== null
  return wechatAccount() !== null
}
