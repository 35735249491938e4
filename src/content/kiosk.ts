import type { Payload, Where } from 'payload'

import { type CommunityGroup, gridDirectory } from '../grids/directory'
import type { Id } from '../model/ids'
import { clip } from '../templates/format'
import { plainTextOfRichText } from '../templates/plainText'
import { URGENT_DAYS } from './data'

/**
 * What a community's terminal (惠民通, /kiosk?community=CODE) shows: its
 * current notices (its grids' announcements and the street's urgent content,
 * urgent first) and upcoming events, each with its text as plain text (no
 * link can leave the kiosk), and the community's grids.
 */

/** A grid announcement stays on the kiosk this long after publication; urgent ones are urgent for URGENT_DAYS only. */
export const KIOSK_NOTICE_DAYS = 30
/** At most this many notices and events, and characters of each one's text (the page then keeps to its byte budget: src/templates/site/kiosk.ts). */
export const KIOSK_LIMITS = { notices: 10, events: 6, text: 300 } as const

/** The terminals' timing (site settings, 惠民通): rotate, back to the start when idle, refresh. */
export type KioskTiming = { rotateSeconds: number; idleSeconds: number; refreshMinutes: number }
export const KIOSK_TIMING_DEFAULTS: KioskTiming = { rotateSeconds: 12, idleSeconds: 60, refreshMinutes: 5 }

/** The timing as the site settings give it, each value the default when unset. */
export async function kioskTiming(payload: Payload): Promise<KioskTiming> {
  const s = (await payload.findGlobal({ slug: 'site-settings', depth: 0, overrideAccess: true })) as { kiosk?: Partial<Record<keyof KioskTiming, number | null>> | null }
  const pick = (name: keyof KioskTiming) => {
    const v = s.kiosk?.[name]
    return typeof v === 'number' && v > 0 ? v : KIOSK_TIMING_DEFAULTS[name]
  }
  return { rotateSeconds: pick('rotateSeconds'), idleSeconds: pick('idleSeconds'), refreshMinutes: pick('refreshMinutes') }
}

export type KioskItem = {
  kind: 'announcements' | 'issues' | 'events' | 'policies'
  id: Id
  title: string
  summary: string
  /** The body as plain text, clipped. */
  text: string
  urgent: boolean
  publishedAt: string | null
  /** Events: when and where. */
  startsAt?: string
  endsAt?: string | null
  location?: string
}

export type KioskData = {
  community: CommunityGroup['community']
  grids: CommunityGroup['grids']
  notices: KioskItem[]
  events: KioskItem[]
}

const PUBLISHED: Where = { _status: { equals: 'published' } }
const DAY = 86_400_000
const select = { title: true, summary: true, urgent: true, publishedAt: true, body: true } as const

type Row = { id: Id; title: string; summary?: string | null; urgent?: boolean | null; publishedAt?: string | null; body?: unknown; number?: number }
type EventRow = Row & { startsAt: string; endsAt?: string | null; location?: string | null }

const textOf = (row: Row) => clip(plainTextOfRichText(row.body) || row.summary || '', KIOSK_LIMITS.text)

function item(kind: KioskItem['kind'], row: Row, urgent: boolean): KioskItem {
  return {
    kind,
    id: row.id,
    title: row.title,
    summary: clip(row.summary ?? '', 120),
    text: textOf(row),
    urgent,
    publishedAt: row.publishedAt ?? null,
  }
}

const newestFirst = (a: KioskItem, b: KioskItem) => String(b.publishedAt ?? '').localeCompare(String(a.publishedAt ?? ''))
/** Urgent first, each part newest first. */
export const urgentThenNewest = (items: KioskItem[]) => [...items].sort((a, b) => Number(b.urgent) - Number(a.urgent) || newestFirst(a, b))

async function find<T>(payload: Payload, collection: string, where: Where, sort: string, limit: number, extra: Record<string, true> = {}): Promise<T[]> {
  const { docs } = await payload.find({
    collection: collection as never,
    where,
    sort,
    limit,
    depth: 0,
    overrideAccess: true,
    select: { ...select, ...extra } as never,
  })
  return docs as unknown as T[]
}

/** The kiosk's content of one community, by its code; null for a code of no community. */
export async function kioskData(payload: Payload, communityCode: string, now = new Date()): Promise<KioskData | null> {
  const group = (await gridDirectory(payload)).find((g) => g.community.code === communityCode)
  if (!group) return null
  const gridIds = group.grids.map((g) => g.id)
  const urgentSince = new Date(now.getTime() - URGENT_DAYS * DAY).toISOString()
  const noticeSince = new Date(now.getTime() - KIOSK_NOTICE_DAYS * DAY).toISOString()
  const forCommunity: Where = gridIds.length ? { or: [{ wholeStreet: { equals: true } }, { grids: { in: gridIds } }] } : { wholeStreet: { equals: true } }
  const streetUrgent: Where = { and: [PUBLISHED, { urgent: { equals: true } }, { publishedAt: { greater_than_equal: urgentSince } }] }

  const [announcements, urgentIssues, urgentPolicies, events] = await Promise.all([
    gridIds.length
      ? find<Row>(payload, 'announcements', { and: [PUBLISHED, { grids: { in: gridIds } }, { publishedAt: { greater_than_equal: noticeSince } }] }, '-publishedAt', KIOSK_LIMITS.notices)
      : Promise.resolve([]),
    find<Row>(payload, 'issues', streetUrgent, '-publishedAt', 3),
    find<Row>(payload, 'policies', streetUrgent, '-publishedAt', 3),
    // Events of the whole street or of the community's grids that have not ended (a day's grace for events without an end).
    find<EventRow>(payload, 'events', { and: [PUBLISHED, forCommunity, { startsAt: { greater_than_equal: new Date(now.getTime() - 14 * DAY).toISOString() } }] }, 'startsAt', 50, {
      startsAt: true,
      endsAt: true,
      location: true,
    }),
  ])

  const recent = (iso: string | null | undefined) => Boolean(iso && iso >= urgentSince)
  const current = events.filter((e) => {
    const end = e.endsAt ? Date.parse(e.endsAt) : Date.parse(e.startsAt) + DAY
    return end >= now.getTime()
  })
  const eventItems = current.slice(0, KIOSK_LIMITS.events).map((e) => ({
    ...item('events', e, Boolean(e.urgent) && recent(e.publishedAt)),
    startsAt: e.startsAt,
    endsAt: e.endsAt ?? null,
    location: e.location ?? '',
  }))

  const notices = urgentThenNewest([
    ...announcements.map((a) => item('announcements', a, Boolean(a.urgent) && recent(a.publishedAt))),
    ...urgentIssues.map((i) => item('issues', i, true)),
    ...urgentPolicies.map((p) => item('policies', p, true)),
    // An urgent event is a notice too (and stays among the events).
    ...eventItems.filter((e) => e.urgent),
  ]).slice(0, KIOSK_LIMITS.notices)

  return { community: group.community, grids: group.grids, notices, events: eventItems }
}
