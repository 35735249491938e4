import type { Payload, Where } from 'payload'

import type { DeliveryDoc } from '../../model/deliveries'
import type { SubscriberDoc } from '../../model/subscribers'
import { noTransaction } from '../../store/noTransaction'
import { restoreSuppressed } from '../../subscribers/suppression'
import { idValue } from '../audience'
import { channelStatuses } from '../fallback'
import { updateDelivery } from '../rows'
import { DEAD_NUMBER_CODES } from '../smsCallbacks'
import { dropGoneReceipts } from '../suppression'

/**
 * Undoing numbers an SMS delivery took off SMS (issue 17), as an email
 * relay's refusals are undone (delivery/suppression.ts restoreEpisode): by
 * delivery and code, for exactly the residents that episode touched; and the
 * pipeline's streak guard undoes a streak of numbers answered the same at the
 * call through the driver's `restore` (restoreSmsNumbers), the same way.
 *
 * A number is taken off SMS in two ways, each leaving its trace:
 * - the provider called it invalid at the call (isv.MOBILE_NUMBER_ILLEGAL):
 *   the driver's `gone` took 短信 off, and the delivery kept a `gone`
 *   receipt with the code;
 * - a delivery report said the number is dead or blocks us
 *   (DEAD_NUMBER_CODES): the message's sms-messages row keeps the code, and
 *   the resident lost 短信, or was suppressed (status, delivery and code)
 *   when it was their only channel.
 *
 * Still off, and so restorable, is a resident of such an episode who has
 * not come back to SMS since and has not chosen otherwise: not unsubscribed,
 * and no reply TD (or T, R, N, 退订) from the number since the message went
 * (a reply leaves a consent entry of method sms-reply; the resident's own
 * choice is never undone). A suppressed one is restored as an email
 * suppression is (status active, the suppression's fields cleared); one
 * SMS still goes to (active, or suppressed by a dead mailbox) gets 短信 back, last among their channels (the order it had is
 * not kept). Their `gone` receipts of
 * the delivery go, so the delivery, resumed or retried, texts them.
 */
type Id = string | number
type Episode = { subscriber: string; code: string; since: string }
type Holder = Pick<SubscriberDoc, 'id' | 'channels' | 'status' | 'suppressedBy' | 'suppressedCode' | 'consents' | 'phoneIndex'>
export type SmsOff = { id: Id; code: string; suppressed: boolean; channels: string[] }

/** The episodes of one SMS delivery: who was taken off SMS, with which code, since when. */
async function episodes(payload: Payload, delivery: Id): Promise<Episode[]> {
  const out: Episode[] = []
  const reports = await payload.db.find({
    collection: 'sms-messages',
    where: { and: [{ delivery: { equals: String(delivery) } }, { reportStatus: { equals: 'failed' } }, { reportCode: { in: Object.keys(DEAD_NUMBER_CODES) } }] },
    limit: 0,
    pagination: false,
    select: { subscriber: true, reportCode: true, sentAt: true },
  })
  for (const r of reports.docs as unknown as { subscriber: string; reportCode: string; sentAt: string }[]) out.push({ subscriber: String(r.subscriber), code: r.reportCode, since: r.sentAt })
  const gone = await payload.db.find({
    collection: 'delivery-receipts',
    where: { and: [{ delivery: { equals: String(delivery) } }, { status: { equals: 'gone' } }] },
    limit: 0,
    pagination: false,
    select: { subscriber: true, code: true, createdAt: true },
  })
  for (const r of gone.docs as unknown as { subscriber: string; code?: string | null; createdAt: string }[]) out.push({ subscriber: String(r.subscriber), code: r.code ?? '', since: r.createdAt })
  return out
}

const repliedSince = (s: Holder, since: string) => (s.consents ?? []).some((c) => c.method === 'sms-reply' && new Date(c.at).getTime() >= new Date(since).getTime())

/** The residents this SMS delivery took off SMS who are still off (see above), with the code of each. */
export async function smsStillOff(payload: Payload, delivery: Id): Promise<SmsOff[]> {
  const list = await episodes(payload, delivery)
  if (!list.length) return []
  const ids = [...new Set(list.map((e) => e.subscriber))]
  const { docs } = await payload.db.find({
    collection: 'subscribers',
    where: { id: { in: ids.map((id) => idValue(payload, id)) } } satisfies Where,
    limit: 0,
    pagination: false,
    select: { channels: true, status: true, suppressedBy: true, suppressedCode: true, consents: true, phoneIndex: true },
  })
  const byId = new Map((docs as unknown as Holder[]).map((s) => [String(s.id), s]))
  const out = new Map<string, SmsOff>()
  for (const e of list) {
    const s = byId.get(e.subscriber)
    if (!s || out.has(e.subscriber) || !s.phoneIndex || repliedSince(s, e.since)) continue
    const channels = (s.channels ?? []) as string[]
    const suppressed = s.status === 'suppressed' && String(s.suppressedBy) === String(delivery) && s.suppressedCode === e.code
    // Still on the list SMS goes to (channelStatuses: a dead mailbox suppresses the record, not its number).
    const off = !suppressed && channelStatuses('sms').includes(s.status) && !channels.includes('sms')
    if (suppressed || off) out.set(e.subscriber, { id: s.id, code: e.code, suppressed, channels })
  }
  return [...out.values()]
}

/** Still off per code, largest first (the panel's list, as suppressedCounts is for email). */
export async function smsOffCounts(payload: Payload, delivery: Id): Promise<{ code: string; count: number }[]> {
  const counts = new Map<string, number>()
  for (const s of await smsStillOff(payload, delivery)) counts.set(s.code, (counts.get(s.code) ?? 0) + 1)
  return [...counts].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count || a.code.localeCompare(b.code))
}

/** Put these still-off residents of an SMS delivery back on SMS (see above); returns how many. */
async function putBack(payload: Payload, delivery: Id, off: SmsOff[]): Promise<number> {
  const suppressed = await restoreSuppressed(payload, delivery, { ids: off.filter((s) => s.suppressed).map((s) => s.id) })
  let restored = suppressed.length
  for (const s of off.filter((x) => !x.suppressed)) {
    // 短信 goes back last among their channels: the order it had is not kept anywhere.
    await payload.db.updateOne({ collection: 'subscribers', id: s.id, data: { channels: [...s.channels, 'sms'] }, req: noTransaction() })
    restored++
  }
  return restored
}

/**
 * The SMS driver's `restore` (the pipeline's streak guard, delivery/suppression.ts): these
 * recipients of the delivery, answered gone by a streak of the same refusal, get SMS back if
 * still off; the guard drops their receipts after. Returns how many were restored.
 */
export async function restoreSmsNumbers(payload: Payload, delivery: Id, ids: Id[]): Promise<number> {
  if (!ids.length) return 0
  const which = new Set(ids.map(String))
  const off = (await smsStillOff(payload, delivery)).filter((s) => which.has(String(s.id)))
  return off.length ? putBack(payload, delivery, off) : 0
}

/**
 * The admin's restore of one episode of an SMS delivery: every resident it took
 * off SMS with this code who is still off gets SMS back; their `gone` receipts
 * go and the delivery's count drops. Returns how many were restored.
 */
export async function restoreSmsEpisode(payload: Payload, d: DeliveryDoc, code: string): Promise<number> {
  const off = (await smsStillOff(payload, d.id)).filter((s) => s.code === code)
  if (!off.length) return 0
  const restored = await putBack(payload, d.id, off)
  const ids = off.map((s) => s.id)
  const removed = await dropGoneReceipts(payload, d.id, ids)
  if (removed) {
    const data: Partial<DeliveryDoc> = { gone: Math.max(0, (d.gone ?? 0) - removed) }
    if (d.status === 'paused' || d.status === 'queued') data.cursor = null
    await updateDelivery(payload, d.id, data)
  }
  payload.logger.info({ component: 'delivery', channel: 'sms', delivery: d.id, code, restored, receipts: removed }, 'numbers taken off SMS restored')
  return restored
}
