/**
 * The engine registry (src/jobs/nudge.ts) is one per process, whichever copy of the
 * module a caller holds: Next bundles its own copy of the hooks and collection configs,
 * so a nudge from that copy must reach the runSoon the scheduler registered from ours.
 */
import type { PayloadRequest } from 'payload'
import { afterEach, describe, expect, it, vi } from 'vitest'

import { engineEndpoint, nudge, registerEndpoints, registerRunSoon } from '../../src/jobs/nudge'

const req = {} as PayloadRequest

describe('engine registry', () => {
  afterEach(() => registerRunSoon(undefined))

  it('a nudge from another copy of the module reaches the runSoon registered by this one', async () => {
    const calls: (number | undefined)[] = []
    registerRunSoon((delay) => calls.push(delay))
    vi.resetModules()
    const other = await import('../../src/jobs/nudge')
    expect(other.nudge).not.toBe(nudge)
    other.nudge(5)
    nudge()
    expect(calls).toEqual([5, undefined])
  })

  it('a nudge with no scheduler registered does nothing; after stop, runSoon is not called', () => {
    const calls: number[] = []
    registerRunSoon(() => calls.push(1))
    registerRunSoon(undefined)
    nudge()
    expect(calls).toEqual([])
  })

  it('an endpoint answers 503 until its handler is registered, then the handler answers', async () => {
    vi.resetModules()
    const fresh = await import('../../src/jobs/nudge')
    const handler = fresh.engineEndpoint('wechatQuota')
    // This process never ran initPayload, so nothing registered the handler yet.
    const before = await handler(req)
    expect(before.status).toBe(503)
    expect(((await before.json()) as { error: string }).error).toBeTruthy()
    // Registered through the other copy of the module: the same registry.
    registerEndpoints({ wechatQuota: async () => Response.json({ ok: true }) })
    const after = await engineEndpoint('wechatQuota')(req)
    expect(after.status).toBe(200)
    expect(await (await handler(req)).json()).toEqual({ ok: true })
  })
})
