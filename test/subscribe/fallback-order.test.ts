import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { SubscriberDoc } from '../../src/collections/Subscribers'
import { consentVersion, preferencesToken } from '../../src/subscribers/service'
import { paths } from '../../src/templates/paths'
import { testPayload } from '../support/payload'
import { Client, inputValue, setUpStreet, startWorld, stopWorld, textOf, type World } from './support'

/**
 * The fallback order on the preferences page (issue 17): seen and changed with a plain form, one
 * select per position among the channels the resident chose; the page stays within its budget.
 */
let payload: Payload
let w: World
let n = 0

beforeAll(async () => {
  payload = await testPayload()
  w = await startWorld(payload, await setUpStreet(payload))
})
afterAll(async () => {
  if (w) await stopWorld(w)
})

async function active(over: Record<string, unknown>) {
  n++
  const at = new Date().toISOString()
  const s = (await payload.create({
    collection: 'subscribers',
    data: {
      email: `order${n}@example.org`,
      grid: w.street.gridA1.id,
      topics: ['issues', 'events'],
      status: 'active',
      source: 'web',
      confirmedAt: at,
      consents: [{ purpose: 'content', granted: true, at, textVersion: consentVersion('content'), method: 'web' }],
      ...over,
    } as never,
    overrideAccess: true,
  })) as unknown as SubscriberDoc
  return { s, prefs: paths.preferences(preferencesToken(s.ref)) }
}

const reload = async (id: string | number) => (await payload.findByID({ collection: 'subscribers', id, overrideAccess: true, depth: 0 })) as unknown as SubscriberDoc
/** The options selected in the order's selects, in the page's order. */
const selected = (html: string) => [...html.matchAll(/<select name="order">(.*?)<\/select>/g)].map((m) => /<option value="(\w+)" selected>/.exec(m[1])?.[1])

describe('fallback order on the preferences page', () => {
  it('defaults to email first, SMS last; the resident puts SMS first and it is kept (the channels not shown keep their place after)', async () => {
    const { s, prefs } = await active({ channels: ['email', 'sms'], phone: '13900000077' })
    expect(s.channelOrder).toEqual(['email', 'webpush', 'sms'])
    const c = new Client(w.site.base)
    const page = await c.get(prefs)
    expect(page.status).toBe(200)
    expect(selected(page.html)).toEqual(['email', 'sms'])
    const text = textOf(page.html)
    for (const part of ['补发顺序', '第一', '第二', '其他渠道失效时用短信补发']) expect(text).toContain(part)
    // The page within its budget of 8 KB of HTML (its stylesheet is the site's, shared and cached).
    expect(Buffer.byteLength(page.html)).toBeLessThanOrEqual(8 * 1024)

    const form = { t: inputValue(page.html, 't')!, csrf: inputValue(page.html, 'csrf')!, action: 'save', grid: 'A-01', channels: ['email', 'sms'], topics: ['issues'] }
    const saved = await c.post('/subscribe/preferences', { ...form, order: ['sms', 'email'] })
    expect(saved.status).toBe(303)
    expect((await reload(s.id)).channelOrder).toEqual(['sms', 'email', 'webpush'])
    expect(selected((await c.get(prefs)).html)).toEqual(['sms', 'email'])

    // The same channel twice is refused in Chinese, naming the field; nothing changes.
    const bad = await c.post('/subscribe/preferences', { ...form, order: ['sms', 'sms'] })
    expect(bad.status).toBe(400)
    expect(textOf(bad.html)).toContain('补发顺序中每个渠道只能出现一次。')
    expect((await reload(s.id)).channelOrder).toEqual(['sms', 'email', 'webpush'])
    // A form without the order (an older page) keeps it.
    expect((await c.post('/subscribe/preferences', form)).status).toBe(303)
    expect((await reload(s.id)).channelOrder).toEqual(['sms', 'email', 'webpush'])
  })

  it('shows no order to a resident with one channel', async () => {
    const { prefs } = await active({ channels: ['email'] })
    const page = await new Client(w.site.base).get(prefs)
    expect(page.status).toBe(200)
    expect(page.html).not.toContain('name="order"')
    expect(textOf(page.html)).not.toContain('补发顺序')
  })
})
