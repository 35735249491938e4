import type { Payload } from 'payload'

import { isFailure, type SendFailure } from '../channels/types'
import { pushTopic, type PreparedPush, type PushMessage } from '../channels/webpush'
import type { PushSubscriptionDoc } from '../collections/PushSubscriptions'
import type { SubscriberDoc } from '../model/subscribers'
import { t } from '../i18n/messages'
import { checkPushSubscription } from '../subscribers/service'
import { pushForContent, type PushContent } from '../templates/push'
import { pushForNotice } from '../templates/notice'
import { isNotice } from '../model/deliveries'
import { pushChannel } from './channels'
import { deliverySettings } from './config'
import { toOutcome, withRetries, type DeliveryTuning, type Outcome, type RecipientsDriver, type TestSender } from './driver'
import { iconUrl, trackedContentUrl, trackFor } from './links'
import { forgetRemoved, removeGoneDevice, restorePushDevices } from './pushRestore'

/**
 * The web push driver: the content's notification rendered once per delivery,
 * then per batch the recipients' devices, and per recipient the notification
 * with their read token, encrypted for each device before the send. A device
 * that is gone (404/410) is removed; the recipient counts as submitted when
 * any device accepted it. The removed rows are kept for the run, so that the
 * pipeline's streak guard can put them back through `restore` (pushRestore.ts).
 */
export const pushDriver: RecipientsDriver = {
  kind: 'recipients',
  async render(_payload, { delivery, collection, doc, settings, url, base, tuning }) {
    // Devices an earlier run removed are past that run's streak guard.
    forgetRemoved(delivery.id)
    const common = { collection, doc: doc as never, settings, icon: iconUrl(base), ttlSeconds: tuning.pushTtlSeconds }
    // A notice of a correction or a withdrawal is a short notification of its own (src/templates/notice.ts).
    const content =
      isNotice(delivery) && delivery.kind ? pushForNotice({ ...common, kind: delivery.kind as 'correction' | 'withdrawal', contentUrl: url }) : pushForContent({ ...common, url })
    return {
      batch: async (payload, recipients) => {
        const devices = await devicesOf(payload, recipients)
        // The batch's messages are encrypted off the event loop, a chunk at a time in recipient order, so the
        // first sends start after one chunk while the rest are encrypted beside them.
        const ready = new Map<string, Promise<ReadyDevice[]>>()
        for (let i = 0; i < recipients.length; i += ENCRYPT_CHUNK) {
          const chunk = recipients.slice(i, i + ENCRYPT_CHUNK).map((s) => {
            // The notification opens the content's page with this recipient's read token.
            const url = trackedContentUrl(collection, doc, trackFor(collection, doc, 'webpush', s))
            return { s, devices: devices.get(String(s.id)) ?? [], content: { ...content, notification: { ...content.notification, url } } }
          })
          const made = preparePushes(chunk.flatMap((c) => c.devices.map((device) => ({ device, content: c.content }))))
          for (const c of chunk) {
            const own = new Set(c.devices)
            ready.set(String(c.s.id), made.then((all) => all.filter((r) => own.has(r.device))))
          }
        }
        return (s) => {
          const made = ready.get(String(s.id)) ?? Promise.resolve([])
          return async () => pushToDevices(payload, await made, tuning, delivery.id)
        }
      },
    }
  },
  testSend: {
    recipient(body, lang) {
      // The editor's device, checked as residents' devices are (PUSH_TRUSTED_ORIGINS included), by the same guard.
      const subscription = checkPushSubscription(body.subscription)
      if (!subscription) return { errors: [{ field: 'subscription', message: t('testSend.error.subscription', lang) }] }
      return {
        recipient: {
          // No topic: a test must not replace a real message for the same content still waiting at the push service.
          async send(_payload, { collection, doc, settings, base, url }) {
            const push = pushForContent({ collection, doc: doc as never, settings, url, icon: iconUrl(base), ttlSeconds: deliverySettings().pushTtlSeconds })
            const notification = { ...push.notification, title: `【${t('testSend.subjectTag')}】${push.notification.title}` }
            return pushChannel().send({ subscription, notification, urgency: push.urgency, ttlSeconds: push.ttlSeconds })
          },
          sent: (lang) => t('testSend.pushSent', lang),
          notSent: 'testSend.pushFailed',
          refused: (f) => (f.code === 'refused-address' ? 'testSend.addressRefused' : 'testSend.deviceGone'),
        },
      }
    },
  } satisfies TestSender,
  /** A streak of the same 404/410 is the push service's fault, not the devices': they are written back (pushRestore.ts). */
  restore: (payload, delivery, ids) => restorePushDevices(payload, delivery, ids),
}

async function devicesOf(payload: Payload, subscribers: SubscriberDoc[]): Promise<Map<string, PushSubscriptionDoc[]>> {
  const map = new Map<string, PushSubscriptionDoc[]>()
  if (!subscribers.length) return map
  const { docs } = await payload.db.find({
    collection: 'push-subscriptions',
    where: { subscriber: { in: subscribers.map((s) => s.id) } },
    limit: 0,
    pagination: false,
    // All of a device's fields: a device removed as gone is kept whole, for the streak guard's restore.
    select: { endpoint: true, keys: true, subscriber: true, userAgent: true, lastSuccessAt: true, createdAt: true },
  })
  for (const p of docs as unknown as PushSubscriptionDoc[]) {
    const key = String(typeof p.subscriber === 'object' ? p.subscriber.id : p.subscriber)
    map.set(key, [...(map.get(key) ?? []), p])
  }
  return map
}

type ReadyDevice = { device: PushSubscriptionDoc; made: PreparedPush | SendFailure }

/** Recipients per hand-over to the encryption thread: small enough that the first sends start at once. */
const ENCRYPT_CHUNK = 20

/** Each device's request made ready (encrypted, with the cached VAPID header); no network. */
async function preparePushes(items: { device: PushSubscriptionDoc; content: PushContent }[]): Promise<ReadyDevice[]> {
  const messages = items.map(({ device, content }): PushMessage => ({
    subscription: { endpoint: device.endpoint, keys: { p256dh: device.keys.p256dh, auth: device.keys.auth } },
    notification: content.notification,
    urgency: content.urgency,
    topic: pushTopic(content.topicKey),
    ttlSeconds: content.ttlSeconds,
  }))
  const made = await pushChannel().prepareMany(messages)
  return items.map(({ device }, k) => ({ device, made: made[k] }))
}

/** One recipient's devices: submitted if any accepted it; a device that is gone (404/410) is removed. */
async function pushToDevices(payload: Payload, devices: ReadyDevice[], s: DeliveryTuning, delivery: string | number): Promise<Outcome> {
  if (!devices.length) return { status: 'skipped', code: 'no-device' }
  let submitted = 0
  let lastFailure: SendFailure | undefined
  for (const { device, made } of devices) {
    const r = isFailure(made) ? made : await withRetries(() => pushChannel().sendPrepared(made), s)
    if (r.ok) {
      submitted++
      continue
    }
    if (r.kind === 'recipient-gone') {
      await removeGoneDevice(payload, delivery, device)
      lastFailure ??= r
      continue
    }
    const o = toOutcome(r, s)
    // A setting or quota problem stops the delivery only when nothing reached this recipient yet (no duplicate on resume).
    if (o.status === 'stop' && !submitted) return o
    lastFailure = r
  }
  if (submitted) return { status: 'submitted' }
  if (lastFailure?.kind === 'recipient-gone') return { status: 'gone', code: String(lastFailure.code), failure: lastFailure }
  return { status: 'failed', code: String(lastFailure?.code ?? 'push'), failure: lastFailure }
}
