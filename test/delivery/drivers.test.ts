/**
 * The driver registry (src/delivery/drivers.ts): the pipeline knows channels only
 * through it, so every channel a delivery row may hold has a driver and settings,
 * and a channel nobody registered is refused with an error that names it.
 */
import { describe, expect, it } from 'vitest'

import { channelConfigured } from '../../src/delivery/config'
import { DRIVERS, driverFor } from '../../src/delivery/drivers'
import { DELIVERY_CHANNELS } from '../../src/model/deliveries'
import { CHANNEL_SETTINGS } from '../../src/server/channelSettings'

describe('delivery driver registry', () => {
  it('names every channel of DELIVERY_CHANNELS, and no other', () => {
    expect(Object.keys(DRIVERS).sort()).toEqual([...DELIVERY_CHANNELS].sort())
    expect(Object.keys(CHANNEL_SETTINGS).sort()).toEqual([...DELIVERY_CHANNELS].sort())
    for (const channel of DELIVERY_CHANNELS) {
      const driver = driverFor(channel)
      expect(['recipients', 'stages']).toContain(driver.kind)
      expect(typeof channelConfigured(channel)).toBe('boolean')
    }
    // WeChat has no recipient list; email and web push go through the pipeline's recipient loop.
    expect(driverFor('wechat').kind).toBe('stages')
    expect(driverFor('email').kind).toBe('recipients')
    expect(driverFor('webpush').kind).toBe('recipients')
    expect(driverFor('sms').kind).toBe('recipients')
  })

  it('refuses an unknown channel clearly, not with undefined', () => {
    // SMS is a channel now (src/delivery/sms): a pager is not.
    expect(() => driverFor('pager')).toThrow(/Unknown delivery channel "pager"/)
    // Names inherited by every object are not drivers either.
    expect(() => driverFor('constructor')).toThrow(/Unknown delivery channel "constructor"/)
    expect(() => channelConfigured('pager' as never)).toThrow(/Unknown delivery channel "pager"/)
    expect(() => channelConfigured('toString' as never)).toThrow(/Unknown delivery channel "toString"/)
  })
})
