import type { PayloadRequest } from 'payload'

import { type Id, type StaffUser } from '../access'
import { CONTENT_SLUGS, type ContentSlug } from '../model/content'
import { type Lang, type MessageKey } from '../i18n/messages'

/** The shapes of the readership dashboard (src/readership/dashboard.ts), its options and their check. */

export const READ_CHANNELS_SHOWN = ['email', 'webpush', 'share', 'site'] as const
export type ShownChannel = (typeof READ_CHANNELS_SHOWN)[number]

export const DEFAULT_TREND_ISSUES = 8
export const MAX_TREND_ISSUES = 24

export type Figure = {
  /** null when not shown: a hidden value never leaves the server. */
  value: number | null
  display: string
  state: 'shown' | 'small' | 'hidden' | 'na'
}

export type GridInfo = { id: Id; code: string; name: string; community: string; households: number }

export type DashboardRow = {
  kind: 'grid' | 'unattributed' | 'total'
  grid: GridInfo | null
  households: number | null
  subscribers: Figure
  submitted: Figure
  readers: Figure
  /** Readers through email or push (residents who were sent the content): the read rate's numerator. */
  messageReaders: Figure
  readRate: Figure
  reach: Figure
  channels: Record<ShownChannel, Figure>
  /** Email opens (people), approximate: never part of reads or rates. */
  opens: Figure
}

export type ContentRef = { type: ContentSlug; id: Id; title: string; number: number | null; publishedAt: string | null; summary: string; grids: Id[] | null }

export type WechatFigures = { readUsers: Figure; reads: Figure; shareUsers: Figure; shares: Figure; days: number }

export type ContentReport = { content: ContentRef; rows: DashboardRow[]; total: DashboardRow; wechat: WechatFigures | null }

export type TrendPoint = { issue: ContentRef; reach: Figure; readers: Figure }

export type Heatmap = { grids: GridInfo[]; issues: ContentRef[]; cells: Figure[][] }

export type DashboardData = {
  minGroupSize: number
  scope: { all: boolean; grids: GridInfo[] }
  /** The contents to choose from (latest of each type, published), newest first, each with its total row. */
  contents: { content: ContentRef; total: DashboardRow }[]
  content: ContentReport | null
  trend: TrendPoint[]
  heatmap: Heatmap
  /** How fresh the figures are: when the rollup last finished (null: not yet) and how often it runs. */
  rollup: { lastAt: string | null; everyMinutes: number }
}

export type DashboardOptions = {
  contentType?: string
  contentId?: Id
  /** Publication dates (YYYY-MM-DD, street time) of the contents listed and trended. */
  from?: string
  to?: string
  /** How many of the latest issues the trend and heatmap show. */
  issues?: number
  lang?: Lang
}

/** A refusal the endpoint turns into its status and Chinese message, naming the field. */
export class DashboardError extends Error {
  constructor(
    readonly status: 400 | 403 | 404,
    readonly key: MessageKey,
    readonly field?: string,
  ) {
    super(key)
  }
}

/** A Payload request, or (Local API) a staff user as Payload returns it. */
export type Viewer = PayloadRequest | (Omit<StaffUser, 'role'> & { role?: string | null }) | null | undefined

const DATE = /^\d{4}-\d{2}-\d{2}$/

/** Check the options; the errors name the field. */
export function checkOptions(opts: DashboardOptions): void {
  for (const field of ['from', 'to'] as const) {
    const v = opts[field]
    if (v !== undefined && (!DATE.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)) || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v)) {
      throw new DashboardError(400, 'readership.error.date', field)
    }
  }
  if (opts.from && opts.to && opts.from > opts.to) throw new DashboardError(400, 'readership.error.range', 'from')
  if (opts.contentType !== undefined && !(CONTENT_SLUGS as readonly string[]).includes(opts.contentType)) throw new DashboardError(400, 'readership.error.content', 'content')
  if ((opts.contentType === undefined) !== (opts.contentId === undefined || opts.contentId === '')) throw new DashboardError(400, 'readership.error.content', 'content')
  if (opts.issues !== undefined && (!Number.isInteger(opts.issues) || opts.issues < 1 || opts.issues > MAX_TREND_ISSUES)) {
    throw new DashboardError(400, 'readership.error.issues', 'issues')
  }
}
