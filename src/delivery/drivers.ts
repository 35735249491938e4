import { DELIVERY_CHANNELS, type DeliveryChannel } from '../model/deliveries'
import type { Driver } from './driver'
import { emailDriver } from './email'
import { wechatDriver } from './wechat'
import { pushDriver } from './webpush'
import { smsDriver } from './sms'

/**
 * The driver registry: one driver per channel of DELIVERY_CHANNELS (src/model/deliveries.ts).
 * A new channel is its driver module (a folder for one with stages) and one line here;
 * its credentials go in the settings module (server/channelSettings.ts CHANNEL_SETTINGS).
 */
export const DRIVERS: Record<DeliveryChannel, Driver> = {
  email: emailDriver,
  webpush: pushDriver,
  wechat: wechatDriver,
  sms: smsDriver,
}

/** The channel's driver; an unknown channel is refused with an error that names it. */
export function driverFor(channel: string): Driver {
  const driver = Object.hasOwn(DRIVERS, channel) ? DRIVERS[channel as DeliveryChannel] : undefined
  if (!driver) throw new Error(`Unknown delivery channel "${channel}": no driver registered in src/delivery/drivers.ts (channels: ${DELIVERY_CHANNELS.join(', ')})`)
  return driver
}
