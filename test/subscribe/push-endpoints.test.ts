import type { Payload } from 'payload'
import webpush from 'web-push'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import type { SubscriberDoc } from '../../src/collections/Subscribers'
import { consentVersion, preferencesToken } from '../../src/subscribers/service'
import { paths } from '../../src/templates/paths'
import { testPayload } from '../support/payload'
import { startPushService, type PushService } from '../support/push-service'
import { Client, inputValue, setUpStreet, startWorld, stopWorld, subscribeAs, textOf, type World } from './support'

/**
 * A resident's push endpoint is an address the server will POST to, so every
 * way one comes in (the subscribe form, the preferences page, the browser's
 * renewal) refuses endpoints inside our network in any spelling, before
 * anything is stored; PUSH_TRUSTED_ORIGINS lets a push service of our own
 * through, for residents as for editors' test sends.
 */
let payload: Payload
let w: World
let service: PushService
let n = 0
const vapid = webpush.generateVAPIDKeys()

/** Endpoints no resident's browser has, each a way of writing "inside our network". */
const HOSTILE = [
  'https://[::ffff:127.0.0.1]/push/a',
  'https://[::ffff:7f00:1]/push/a',
  'https://[::ffff:10.0.0.5]/push/a',
  'https://[::ffff:a9fe:a9fe]/push/a',
  'https://[::127.0.0.1]/push/a',
  'https://[::1]/push/a',
  'https://[::]/push/a',
  'https://[fc00::1]/push/a',
  'https://[fd12:3456::1]/push/a',
  'https://[fe80::1]/push/a',
  'https://[fec0::1]/push/a',
  'https://[ff02::1]/push/a',
  'https://[64:ff9b::a00:5]/push/a',
  'https://[2002:a00:5::1]/push/a',
  'https://[2002:7f00:1::1]/push/a',
  'https://0.0.0.0/push/a',
  'https://2130706433/push/a',
  'https://0x7f.1/push/a',
  'https://0177.0.0.1/push/a',
  'https://127.1/push/a',
  'https://10.1.2.3/push/a',
  'https://172.16.0.1/push/a',
  'https://192.168.0.1/push/a',
  'https://169.254.169.254/latest/meta-data',
  'https://100.64.0.1/push/a',
  'https://localhost/push/a',
  'https://localhost./push/a',
  'https://push.localhost/push/a',
  'https://printer.local/push/a',
  'https://db.internal/push/a',
  'https://intranet/push/a',
  'https://user:secret@push.example.net/push/a',
  'http://push.example.net/push/a',
]

const keys = () => ({ p256dh: webpush.generateVAPIDKeys().publicKey, auth: Buffer.alloc(16, 7).toString('base64url') })
const rows = async (endpoint: string) => (await payload.count({ collection: 'push-subscriptions', where: { endpoint: { equals: endpoint } }, overrideAccess: true })).totalDocs

beforeAll(async () => {
  payload = await testPayload()
  const street = await setUpStreet(payload)
  w = await startWorld(payload, street, { VAPID_PUBLIC_KEY: vapid.publicKey, RATE_PUSH_IP: '1000/600', RATE_SUBSCRIBE_IP: '1000/600', RATE_SUBSCRIBE_ADDRESS: '1000/600' })
  service = await startPushService()
})
beforeEach(() => {
  delete process.env.PUSH_TRUSTED_ORIGINS
})
afterAll(async () => {
  delete process.env.PUSH_TRUSTED_ORIGINS
  if (w) await stopWorld(w)
  await service?.close()
  delete process.env.VAPID_PUBLIC_KEY
})

async function activeResident() {
  n++
  const at = new Date().toISOString()
  const s = (await payload.create({
    collection: 'subscribers',
    data: {
      email: `pusher${n}@example.org`,
      grid: w.street.gridA1.id,
      channels: ['email'],
      topics: ['issues'],
      status: 'active',
      source: 'web',
      confirmedAt: at,
      consents: [{ purpose: 'content', granted: true, at, textVersion: consentVersion('content'), method: 'web' }],
    } as never,
    overrideAccess: true,
  })) as unknown as SubscriberDoc
  const c = new Client(w.site.base)
  const page = await c.get(paths.preferences(preferencesToken(s.ref)))
  const t = inputValue(page.html, 't')!
  const csrf = inputValue(page.html, 'csrf')!
  const post = (subscription: unknown) =>
    fetch(new URL('/subscribe/push', w.site.base), {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `sn_csrf=${c.cookies.get('sn_csrf')}`, 'x-csrf-token': csrf },
      body: JSON.stringify({ t, subscription }),
    })
  return { s, post }
}

describe('push endpoints residents give', () => {
  it('the preferences page refuses every spelling of an address inside our network, naming the field, storing nothing', async () => {
    const { s, post } = await activeResident()
    for (const endpoint of HOSTILE) {
      const r = await post({ endpoint, keys: keys() })
      expect(r.status, endpoint).toBe(400)
      expect(await r.json(), endpoint).toMatchObject({ field: 'subscription', error: expect.stringContaining('本设备没能开启网页推送') })
    }
    expect((await payload.count({ collection: 'push-subscriptions', where: { subscriber: { equals: s.id } }, overrideAccess: true })).totalDocs).toBe(0)
    // A public push service's endpoint is taken.
    expect((await post({ endpoint: `https://fcm.googleapis.com/fcm/send/ok-${n}`, keys: keys() })).status).toBe(201)
  })

  it("the browser's renewal refuses them too, and the old device stays as it was", async () => {
    const { s } = await activeResident()
    const old = { endpoint: `https://updates.push.services.mozilla.com/wpush/v2/old-${s.id}`, keys: keys() }
    await payload.create({ collection: 'push-subscriptions', data: { ...old, subscriber: s.id } as never, overrideAccess: true })
    for (const endpoint of HOSTILE) {
      const r = await fetch(new URL('/subscribe/push/renew', w.site.base), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ old: old.endpoint, subscription: { endpoint, keys: keys() } }),
      })
      expect(r.status, endpoint).toBe(400)
      expect((await r.json()).field).toBe('subscription')
    }
    expect(await rows(old.endpoint)).toBe(1)
  })

  it('the subscribe form refuses them with the channels field named, and records no subscriber', async () => {
    for (const endpoint of HOSTILE.slice(0, 6)) {
      const email = `form-${++n}@example.org`
      const r = await subscribeAs(new Client(w.site.base), { email, channels: ['email', 'webpush'], push: JSON.stringify({ endpoint, keys: keys() }) })
      expect(r.status, endpoint).toBe(400)
      expect(r.html).toContain('href="#f-channels"')
      expect(textOf(r.html)).toContain('本设备没能开启网页推送')
      expect((await payload.count({ collection: 'subscribers', where: { email: { equals: email } }, overrideAccess: true })).totalDocs).toBe(0)
    }
  })

  it('PUSH_TRUSTED_ORIGINS lets a push service of our own through for residents (plain http, on 127.0.0.1), that origin only', async () => {
    const { s, post } = await activeResident()
    const device = service.subscribe()
    const sub = { endpoint: device.endpoint, keys: device.keys }
    expect((await post(sub)).status).toBe(400)
    expect(await rows(sub.endpoint)).toBe(0)

    process.env.PUSH_TRUSTED_ORIGINS = `https://push.example.org, ${service.origin}`
    expect((await post(sub)).status).toBe(201)
    expect(await rows(sub.endpoint)).toBe(1)
    // Another port on the same host is another origin.
    const port = Number(new URL(service.origin).port)
    expect((await post({ ...sub, endpoint: `http://127.0.0.1:${port + 1}/push/x` })).status).toBe(400)

    // The subscribe form reads the same setting.
    const email = `trusted-${s.id}@example.org`
    const other = service.subscribe()
    const r = await subscribeAs(new Client(w.site.base), { email, channels: ['email', 'webpush'], push: JSON.stringify({ endpoint: other.endpoint, keys: other.keys }) })
    expect(r.status).toBe(200)
    expect(await rows(other.endpoint)).toBe(1)
  })
})
