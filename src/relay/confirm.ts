import type { Payload, Where } from 'payload'

import type { MessageKey } from '../i18n/messages'
import { streetDay } from '../templates/format'
import type { HeadOf } from './links'

/**
 * A head's confirmations (issue 18): one relay-confirmations row per content
 * × building. 已转发到楼栋群 and 已张贴 are a time (set, or undone);
 * 已入户告知 N 户 a number 0..the building's households and its time. A
 * confirmation made on one street day may be corrected (changed or undone)
 * that day only; from the next day on it stands. Every change keeps the
 * name of the head who made it.
 */
export type ConfirmWhat = 'relayed' | 'posted' | 'doors'
export const CONFIRM_WHATS: readonly ConfirmWhat[] = ['relayed', 'posted', 'doors']

export type Confirmation = {
  id: string | number
  contentType: string
  contentId: string
  grid: string
  building: string
  head?: string | null
  relayedAt?: string | null
  postedAt?: string | null
  doorHouseholds?: number | null
  doorsAt?: string | null
}

export type ConfirmRefusal = { field: ConfirmWhat; key: MessageKey; vars?: Record<string, string | number> }

const LABEL: Record<ConfirmWhat, MessageKey> = { relayed: 'relay.page.relayed', posted: 'relay.page.posted', doors: 'relay.page.doors' }
export const whatLabel = (what: ConfirmWhat) => LABEL[what]
const TIME_FIELD = { relayed: 'relayedAt', posted: 'postedAt', doors: 'doorsAt' } as const

export async function confirmationsOf(payload: Payload, building: string): Promise<Map<string, Confirmation>> {
  const { docs } = await payload.find({ collection: 'relay-confirmations', where: { building: { equals: building } }, limit: 500, sort: '-updatedAt', depth: 0, overrideAccess: true })
  return new Map((docs as unknown as Confirmation[]).map((c) => [`${c.contentType}:${c.contentId}`, c]))
}

/** The households number a form gave, or the refusal naming the field. */
export function checkDoors(raw: unknown, households: number | null | undefined): number | ConfirmRefusal {
  if (typeof households !== 'number' || households < 1) return { field: 'doors', key: 'relay.error.doorsNoHouseholds' }
  const text = typeof raw === 'string' ? raw.trim() : ''
  const n = /^\d{1,6}$/.test(text) ? Number(text) : NaN
  return Number.isInteger(n) && n >= 0 && n <= households ? n : { field: 'doors', key: 'relay.error.doors', vars: { max: households } }
}

/**
 * Record one confirmation (or undo it: `value` null); the refusal when it
 * may no longer change. `doors` takes the number already checked.
 */
export async function confirm(
  payload: Payload,
  head: HeadOf,
  content: { type: string; id: string },
  what: ConfirmWhat,
  value: number | boolean | null,
  now = new Date(),
): Promise<ConfirmRefusal | null> {
  const where: Where = { and: [{ contentType: { equals: content.type } }, { contentId: { equals: content.id } }, { building: { equals: head.code } }] }
  const { docs } = await payload.find({ collection: 'relay-confirmations', where, limit: 1, depth: 0, overrideAccess: true })
  const row = docs[0] as unknown as Confirmation | undefined
  const before = row?.[TIME_FIELD[what]]
  if (before && streetDay(before) !== streetDay(now)) return { field: what, key: 'relay.error.tooLate', vars: { day: streetDay(before) } }
  const at = value === null || value === false ? null : now.toISOString()
  const data: Record<string, unknown> = { [TIME_FIELD[what]]: at, head: head.building.head ?? null }
  if (what === 'doors') data.doorHouseholds = at ? value : null
  if (row) await payload.update({ collection: 'relay-confirmations', id: row.id, data: data as never, overrideAccess: true, depth: 0 })
  else if (at) {
    await payload.create({
      collection: 'relay-confirmations',
      data: { contentType: content.type, contentId: content.id, grid: String(head.grid.id), building: head.code, ...data } as never,
      overrideAccess: true,
      depth: 0,
    })
  }
  payload.logger.info({ component: 'relay', building: head.code, contentType: content.type, contentId: content.id, what, undo: !at }, 'relay confirmation')
  return null
}
