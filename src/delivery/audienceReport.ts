import type { Payload, Where } from 'payload'

import type { ContentSlug } from '../model/content'
import { audienceKey, type ChannelChoice, chosenChannels, channelsOfType, type DeliveryChannel, type DeliveryDoc, type DeliveryStatus, isPrimary } from '../model/deliveries'
import { audienceWhere, idValue, recipientsWhere } from './audience'
import { channelConfigured } from './config'
import { estimateSms } from './smsEstimate'

/**
 * Who a content goes to, per channel, before it is published: counted with
 * the very queries the delivery runs (audienceWhere: active, the channel,
 * the topic unless urgent, the grids; suppressed addresses are not active),
 * so the dialog's numbers are the numbers sent. Web push is counted in
 * devices (one message each) and residents with a device (a resident with
 * none is skipped). WeChat has no recipient list: the article is published
 * on the account, a mass send is the editor's separate step. Where the
 * content was delivered already, a republication sends nothing again: the
 * channel shows its delivery, and how many a notice would reach.
 */
export type AudienceContent = {
  id: string | number
  /** What an SMS carries (title; an urgent one's summary as its detail): its estimate counts them. */
  title?: string | null
  summary?: string | null
  urgent?: boolean | null
  wholeStreet?: boolean | null
  grids?: unknown[] | null
  channels?: ChannelChoice | null
}

export type ChannelAudience = {
  channel: DeliveryChannel
  ticked: boolean
  configured: boolean
  /** The content delivery on this channel, when there is one: a republication creates none. */
  delivery: { id: string | number; status: DeliveryStatus; submitted: number } | null
  /** email: addresses; webpush: residents with at least one device. Absent for WeChat. */
  recipients?: number
  devices?: number
  /** email: addresses of the audience left out because they are suppressed (bounced). */
  suppressed?: number
  /** Who a notice (correction, withdrawal) would reach now: those the delivery reached, still subscribed. */
  noticeRecipients?: number
  /** sms: the segments all recipients' messages take as billed, and their cost in yuan (smsEstimate.ts). */
  smsSegments?: number
  smsCost?: number
}

export type AudienceReport = {
  audience: string
  wholeStreet: boolean
  grids: { id: string | number; name: string }[]
  /** The urgent override: topic choices are ignored. */
  urgent: boolean
  channels: ChannelAudience[]
}

const idOf = (v: unknown) => String(v && typeof v === 'object' ? (v as { id: unknown }).id : v)

const count = async (payload: Payload, collection: 'subscribers' | 'push-subscriptions', where: Where) => (await payload.db.count({ collection, where })).totalDocs

/** Devices of these subscribers, and how many of them have one (in slices: an `in` list stays short). */
async function devicesOf(payload: Payload, ids: (string | number)[]): Promise<{ devices: number; recipients: number }> {
  let devices = 0
  const owners = new Set<string>()
  for (let i = 0; i < ids.length; i += 500) {
    const { docs } = await payload.db.find({
      collection: 'push-subscriptions',
      where: { subscriber: { in: ids.slice(i, i + 500) } },
      limit: 0,
      pagination: false,
      select: { subscriber: true },
    })
    for (const d of docs as unknown as { subscriber: unknown }[]) {
      devices++
      owners.add(idOf(d.subscriber))
    }
  }
  return { devices, recipients: owners.size }
}

/** Count a channel's recipients with a delivery's query (an audience, or a notice's reached). */
async function countChannel(payload: Payload, channel: DeliveryChannel, where: Where | null): Promise<Pick<ChannelAudience, 'recipients' | 'devices'>> {
  if (!where) return channel === 'webpush' ? { recipients: 0, devices: 0 } : { recipients: 0 }
  if (channel === 'email' || channel === 'sms') return { recipients: await count(payload, 'subscribers', where) }
  const { docs } = await payload.db.find({ collection: 'subscribers', where, limit: 0, pagination: false, select: { grid: true } })
  return devicesOf(payload, (docs as unknown as { id: string | number }[]).map((s) => s.id))
}

export async function audienceReport(
  payload: Payload,
  collection: ContentSlug,
  doc: AudienceContent,
  siteDefault: ChannelChoice | null | undefined,
): Promise<AudienceReport> {
  const audience = audienceKey(collection, doc)
  const urgent = !!doc.urgent
  const ticked = new Set(chosenChannels(collection, doc.channels, siteDefault))
  const { docs: existing } = await payload.db.find({
    collection: 'deliveries',
    where: { and: [{ contentType: { equals: collection } }, { contentId: { equals: String(doc.id) } }] },
    limit: 0,
    pagination: false,
  })
  const deliveries = (existing as unknown as DeliveryDoc[]).filter(isPrimary)
  const channels: ChannelAudience[] = []
  for (const channel of channelsOfType(collection)) {
    // SMS is a paid service the street may not have: not offered (and never delivered) until it is configured.
    if (channel === 'sms' && !channelConfigured('sms')) continue
    const d = deliveries.find((x) => x.channel === channel) ?? null
    const row: ChannelAudience = {
      channel,
      ticked: ticked.has(channel),
      configured: channelConfigured(channel),
      delivery: d ? { id: d.id, status: d.status, submitted: d.submitted ?? 0 } : null,
    }
    if (channel !== 'wechat') {
      const shape = { channel, contentType: collection, urgent, audience }
      Object.assign(row, await countChannel(payload, channel, audienceWhere(shape)))
      if (channel === 'email') {
        const where = audienceWhere(shape)
        const and = (where.and ?? []).map((w) => ('status' in w ? { status: { equals: 'suppressed' } } : w))
        row.suppressed = await count(payload, 'subscribers', { and })
      }
      if (channel === 'sms') {
        const estimate = estimateSms({ title: String(doc.title ?? ''), urgent, detail: doc.summary ?? undefined, recipients: row.recipients ?? 0 })
        if (estimate && !estimate.problem) Object.assign(row, { smsSegments: estimate.totalSegments, smsCost: estimate.cost })
      }
      if (d) {
        const reached = await countChannel(payload, channel, await recipientsWhere(payload, { ...shape, kind: 'correction', original: String(d.id) }))
        row.noticeRecipients = channel === 'webpush' ? reached.devices : reached.recipients
      }
    }
    channels.push(row)
  }
  const gridWhere: Where | undefined = audience.startsWith('grids:') ? { id: { in: audience.slice(6).split(',').filter(Boolean).map((g) => idValue(payload, g)) } } : undefined
  const { docs: grids } = await payload.db.find({ collection: 'grids', where: gridWhere, limit: 0, pagination: false, sort: 'code', select: { name: true, code: true } })
  return {
    audience,
    wholeStreet: audience === 'street',
    grids: (grids as unknown as { id: string | number; name: string }[]).map((g) => ({ id: g.id, name: g.name })),
    urgent,
    channels,
  }
}
