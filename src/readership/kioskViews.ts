import { createHash } from 'node:crypto'

import type { Payload } from 'payload'

import { processOwner } from '../store/leases'
import { insertOrOverwrite } from '../store/upsert'
import { streetDay } from '../templates/format'

/**
 * Views on the community terminals (惠民通), counted apart from readers: a
 * terminal is no resident, so a kiosk never records a read event, never
 * sets a reader cookie and never counts for a grid. Two kinds per community
 * and street day:
 *   load  the kiosk page loaded (a terminal starting or reloaded; its own
 *         content refreshes are not counted);
 *   open  a notice or event opened on the terminal (a resident touching it).
 *
 * Each process keeps its totals in memory and writes them as absolute values
 * to rows of the counters collection of its own (key
 * kiosk:<kind>:<community>:<day>:<process>), so processes never write the same
 * row and no increment is lost to a read-modify-write; the figures are the
 * sum over processes. A crash loses at most the last FLUSH_MS.
 */
export type KioskViewKind = 'load' | 'open'
export const KIOSK_COUNTER_PREFIX = 'kiosk:'
const FLUSH_MS = 30_000
/** Opens a process counts per community per minute at most: a script hammering the beacon cannot run the figures up. */
const OPENS_PER_MINUTE = 240

const owner = createHash('sha1').update(processOwner).digest('hex').slice(0, 12)
const totals = new Map<string, number>()
const dirty = new Set<string>()
const minute = new Map<string, { at: number; n: number }>()
let timer: ReturnType<typeof setInterval> | undefined
let flushing: Promise<void> = Promise.resolve()

const keyOf = (kind: KioskViewKind, community: string, day: string) => `${KIOSK_COUNTER_PREFIX}${kind}:${community}:${day}:${owner}`

/** Count one kiosk view of `community` (a known community's code). False when the per-minute cap refused it. */
export function countKioskView(payload: Payload, kind: KioskViewKind, community: string, now = new Date()): boolean {
  if (kind === 'open') {
    const slot = minute.get(community)
    const at = Math.floor(now.getTime() / 60_000)
    if (slot && slot.at === at && slot.n >= OPENS_PER_MINUTE) return false
    minute.set(community, slot && slot.at === at ? { at, n: slot.n + 1 } : { at, n: 1 })
  }
  const key = keyOf(kind, community, streetDay(now))
  totals.set(key, (totals.get(key) ?? 0) + 1)
  dirty.add(key)
  if (!timer) {
    timer = setInterval(() => void flushKioskViews(payload).catch((err) => payload.logger.error({ component: 'kiosk', err }, 'kiosk view flush failed')), FLUSH_MS)
    timer.unref()
  }
  return true
}

/** Write this process's changed totals now (also run every FLUSH_MS). */
export function flushKioskViews(payload: Payload): Promise<void> {
  flushing = flushing.then(async () => {
    const keys = [...dirty]
    dirty.clear()
    for (const key of keys) {
      try {
        await insertOrOverwrite(payload, 'counters', { key, value: totals.get(key) ?? 0 })
      } catch (err) {
        dirty.add(key)
        throw err
      }
      // Past days are final once written: forget them.
      if (key.split(':')[3] !== streetDay()) totals.delete(key)
    }
  })
  return flushing
}

export type KioskFigures = { community: string; day: string; load: number; open: number }

/** The kiosk figures per community and day (written ones: flush first for this process's latest). */
export async function kioskViewFigures(payload: Payload, opts: { community?: string } = {}): Promise<KioskFigures[]> {
  const { docs } = await payload.find({
    collection: 'counters',
    where: { key: { like: KIOSK_COUNTER_PREFIX } },
    limit: 0,
    pagination: false,
    depth: 0,
    overrideAccess: true,
  })
  const byDay = new Map<string, KioskFigures>()
  for (const doc of docs as unknown as { key: string; value: number }[]) {
    const [head, kind, community, day] = doc.key.split(':')
    if (`${head}:` !== KIOSK_COUNTER_PREFIX || (kind !== 'load' && kind !== 'open')) continue
    if (opts.community && community !== opts.community) continue
    const row = byDay.get(`${community}:${day}`) ?? { community, day, load: 0, open: 0 }
    row[kind] += Number(doc.value) || 0
    byDay.set(`${community}:${day}`, row)
  }
  return [...byDay.values()].sort((a, b) => a.community.localeCompare(b.community) || a.day.localeCompare(b.day))
}
