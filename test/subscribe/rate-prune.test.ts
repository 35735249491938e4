import { expect, it } from 'vitest'

import { firstInWindow, hitRateLimit, ratePlacesTaken } from '../../src/store/rateLimits'
import { testPayload } from '../support/payload'

/**
 * The rate-limit ledger prunes passed windows in the background, at most every
 * few minutes, from whichever call comes first. A caller that shifts its `now`
 * to place its windows (the SMS street day on China time, now + 8 h,
 * subscribers/smsCode.ts) must not prune at that shifted time: it deleted the
 * places of live hour windows (an address's first code request, so the human
 * check never came; the per-address and per-minute code limits).
 */
const HOUR = { limit: 1, windowMs: 3_600_000 }
const DAY = { limit: 200, windowMs: 86_400_000 }

it('a call with a shifted clock, first to prune, keeps the places of live windows', async () => {
  const payload = await testPayload()
  const now = Date.now()
  expect(await firstInWindow(payload, 'probeFree', '203.0.113.9', HOUR, now)).toBe(true)
  expect(await ratePlacesTaken(payload, 'probeFree.once', '203.0.113.9', HOUR, now)).toBe(1)
  // The first call of this process to reach the pruning, eight hours ahead as the SMS street day's.
  expect((await hitRateLimit(payload, 'probeStreet', 'street', DAY, now + 8 * 3_600_000)).ok).toBe(true)
  // The prune runs in the background: give it time to finish, then the live window's place is still there.
  await new Promise((r) => setTimeout(r, 1500))
  expect(await ratePlacesTaken(payload, 'probeFree.once', '203.0.113.9', HOUR, now)).toBe(1)
})
