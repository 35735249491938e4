import type { DeliveryChannel } from '../model/deliveries'
import { originsFrom } from '../lib/outbound'
import { CHANNEL_SETTINGS } from '../server/channelSettings'
import { env } from '../server/env'

/** The delivery settings live in the settings module (server/env.ts). */
export { deliverySettings } from '../server/env'

/**
 * Push services of our own (PUSH_TRUSTED_ORIGINS, comma-separated origins):
 * exempt from the outbound guard, so they may be plain http or on a private
 * network. It applies to residents' subscriptions, editors' test sends and
 * the deliveries alike; every other endpoint must be https to a public address.
 */
export const pushTrustedOrigins = (): string[] => originsFrom(env.pushTrustedOrigins, 'PUSH_TRUSTED_ORIGINS')

/**
 * Is a channel configured in this environment? A channel that is not is recorded as skipped, never a crash.
 * Light on purpose (hooks ask it, and Next bundles the hooks): it reads the settings, not the drivers.
 */
export function channelConfigured(channel: DeliveryChannel): boolean {
  const settings: (() => object | null) | undefined = Object.hasOwn(CHANNEL_SETTINGS, channel) ? CHANNEL_SETTINGS[channel] : undefined
  if (!settings) throw new Error(`Unknown delivery channel "${channel}": no settings for it in server/channelSettings.ts CHANNEL_SETTINGS`)
  return settings() !== null
}
