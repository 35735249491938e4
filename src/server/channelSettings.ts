import type { DeliveryChannel } from '../model/deliveries'
import { emailSettings, vapidSettings, wechatAccount } from './env'
import { smsSettings } from './smsEnv'

/**
 * Each delivery channel's credentials, null where this environment has none: a channel
 * that is not configured is recorded as skipped (delivery/config.ts channelConfigured).
 * A new channel adds its reader here; its variables are read in the settings modules.
 */
export const CHANNEL_SETTINGS = { email: emailSettings, webpush: vapidSettings, wechat: wechatAccount, sms: smsSettings } as const satisfies Record<DeliveryChannel, () => object | null>
