import { randomBytes } from 'node:crypto'

import type { Payload } from 'payload'
import sharp from 'sharp'
import { expect } from 'vitest'

import type { DeliveryDoc } from '../../src/collections/Deliveries'
import type { WechatState } from '../../src/delivery/wechat'
import { pollWechatPublishStatus } from '../../src/jobs/wechat'
import type { Id } from '../support/fixtures'
import type { WechatEmulator } from '../support/wechat-emulator'
import { deliveriesOf, deliveryById, drain, richBody } from './support'

export { useEmulator } from './support'

/** A photo-like image (random pixels compress badly), as a real upload with its sizes. */
export async function photo(payload: Payload, name: string, opts: { width?: number; height?: number; format?: 'jpeg' | 'png' | 'webp' } = {}) {
  const width = opts.width ?? 1400
  const height = opts.height ?? 900
  const format = opts.format ?? 'jpeg'
  const img = sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } })
  const data = await (format === 'png' ? img.png() : format === 'webp' ? img.webp() : img.jpeg({ quality: 90 })).toBuffer()
  return (await payload.create({
    collection: 'media',
    data: { alt: name },
    file: { data, mimetype: `image/${format}`, name: `${name}.${format === 'jpeg' ? 'jpg' : format}`, size: data.length },
    overrideAccess: true,
  })) as unknown as { id: Id; filename: string }
}

export const wechatOf = async (payload: Payload, collection: string, id: Id): Promise<DeliveryDoc> => {
  const d = (await deliveriesOf(payload, collection, id)).find((x) => x.channel === 'wechat')
  if (!d) throw new Error(`no WeChat delivery for ${collection} ${id}`)
  return d
}

export const stateOf = (d: DeliveryDoc) => (d.wechat ?? {}) as unknown as WechatState

/**
 * Run the scheduler's two WeChat steps (due deliveries, then the publish-status
 * poll) until the delivery leaves `running` or the bound is reached.
 */
export async function runUntilSettled(payload: Payload, id: Id, { rounds = 60 } = {}): Promise<DeliveryDoc> {
  let d = await deliveryById(payload, id)
  for (let i = 0; i < rounds; i++) {
    await drain(payload)
    await pollWechatPublishStatus(payload)
    d = await deliveryById(payload, id)
    if (d.status !== 'running' && d.status !== 'queued') return d
    if (d.status === 'queued' && d.nextAttemptAt && new Date(d.nextAttemptAt).getTime() - Date.now() > 60_000) return d
    await new Promise((r) => setTimeout(r, 60))
  }
  return d
}

export const callsTo = (emu: WechatEmulator, path: string) => emu.calls.filter((c) => c.path === path)

/** A policy published on WeChat (its delivery done). */
export async function publishedOnWechat(payload: Payload, title: string): Promise<DeliveryDoc> {
  const policy = (await payload.create({
    collection: 'policies',
    data: { title, issuingBody: '街道办事处', summary: '要点', body: richBody(`${title}的正文。`), _status: 'published' } as never,
    overrideAccess: true,
  })) as { id: string | number }
  const d = await runUntilSettled(payload, (await wechatOf(payload, 'policies', policy.id)).id)
  expect(d.status).toBe('done')
  return d
}
