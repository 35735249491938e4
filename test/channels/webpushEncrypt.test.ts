import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { EncryptThread, encryptHere, type EncryptJob } from '../../src/channels/webpush/encryptThread'
import { decryptAes128gcm, startPushService, type PushService, type TestSubscription } from '../support/push-service'

let service: PushService
beforeAll(async () => {
  service = await startPushService()
})
afterAll(() => service.close())

const job = (sub: TestSubscription, payload: string): EncryptJob => ({
  subscription: { endpoint: sub.endpoint, keys: sub.keys },
  payload,
  options: { TTL: 3600, urgency: 'normal' },
})
const opened = (sub: TestSubscription, out: { body: Buffer } | { error: string }) => {
  if (!('body' in out)) throw new Error(`not encrypted: ${out.error}`)
  return decryptAes128gcm(out.body, { ecdh: sub.ecdh, auth: Buffer.from(sub.keys.auth, 'base64url') }).toString('utf8')
}

describe('push encryption thread', () => {
  it("encrypts a batch beside the event loop, each message for its own device's key", async () => {
    const thread = new EncryptThread()
    try {
      const subs = Array.from({ length: 5 }, () => service.subscribe())
      const out = await thread.encrypt(subs.map((s, i) => job(s, `停水通知 ${i}`)))
      expect(out).toHaveLength(5)
      subs.forEach((s, i) => expect(opened(s, out[i])).toBe(`停水通知 ${i}`))
      const first = out[0] as { headers: Record<string, string | number>; body: Buffer }
      expect(Buffer.isBuffer(first.body)).toBe(true)
      expect(first.headers['Content-Encoding']).toBe('aes128gcm')
      expect(first.headers.TTL).toBe(3600)
      // No VAPID from the thread: the channel adds it from its own cache.
      expect(first.headers.Authorization).toBeUndefined()
    } finally {
      await thread.close()
    }
  })

  it('answers a bad device key with an error for that message only', async () => {
    const thread = new EncryptThread()
    try {
      const good = service.subscribe()
      const bad = { ...job(good, 'x'), subscription: { endpoint: good.endpoint, keys: { p256dh: 'AAAA', auth: good.keys.auth } } }
      const out = await thread.encrypt([bad, job(good, '好')])
      expect('error' in out[0]).toBe(true)
      expect(opened(good, out[1])).toBe('好')
      expect('error' in encryptHere(bad)).toBe(true)
    } finally {
      await thread.close()
    }
  })

  it('encrypts on the calling thread when the thread has died, losing nothing in flight', async () => {
    const thread = new EncryptThread()
    const sub = service.subscribe()
    // Start the thread, then kill it while a batch is in flight.
    const warm = await thread.encrypt([job(sub, 'warm')])
    expect(opened(sub, warm[0])).toBe('warm')
    const worker = (thread as unknown as { worker: { terminate(): Promise<number> } }).worker
    const inFlight = thread.encrypt([job(sub, '在途一'), job(sub, '在途二')])
    await worker.terminate()
    const out = await inFlight
    expect(out.map((o) => opened(sub, o))).toEqual(['在途一', '在途二'])
    const after = await thread.encrypt([job(sub, '之后')])
    expect(opened(sub, after[0])).toBe('之后')
    await thread.close()
  })
})
