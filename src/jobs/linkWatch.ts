import type { Payload } from 'payload'

import { extractLinks, type LinkResult } from '../checks'
import { checkExternalLinks } from '../checks/links/external'
import { reconcileCheckRecords } from '../content/checkRecords'
import { checkContent, checkSettings } from '../content/checks'
import { originsFrom } from '../lib/outbound'
import { CONTENT_SLUGS } from '../model/content'
import { env } from '../server/env'
import { streetHour } from '../templates/format'
import { daySlot, onceInWindow } from './periodic'

/**
 * The link watch (issue 16): a dead link on a published page is an
 * inspection failure, and an external page can die long after the content
 * was published. Once a street day, from LINK_WATCH_HOUR, every published
 * content's external http(s) links are checked in the background (the same
 * checker and outbound guard as the sidebar's 检查外部链接), and the dead ones
 * go to the checks' history (check-records, part `links`): the inspection
 * report's 死链 lists them, and a link that opens again, or is edited out, is
 * closed as fixed. Nothing is changed in the content.
 */
export const LINK_WATCH_SCOPE = 'job:link-watch'
/** At most this many contents per type (the newest first) and links per run: a run stays within minutes. */
export const LINK_WATCH_MAX_CONTENTS = 500
export const LINK_WATCH_MAX_LINKS = 1000

export type LinkWatchRun = { contents: number; links: number; dead: number; opened: number; fixed: number; ms: number }

type Doc = Record<string, unknown> & { id: string | number; title?: string | null }

/** One run over every published content now; what the daily job does, and what tests call. */
export async function watchExternalLinks(payload: Payload, opts: { now?: Date; maxLinks?: number; signal?: AbortSignal } = {}): Promise<LinkWatchRun> {
  const started = Date.now()
  const now = opts.now ?? new Date()
  const settings = await checkSettings(payload)
  const withLinks: { collection: string; doc: Doc; urls: string[] }[] = []
  const all = new Set<string>()
  for (const collection of CONTENT_SLUGS) {
    const { docs } = await payload.find({
      collection,
      where: { and: [{ _status: { equals: 'published' } }, { withdrawnAt: { exists: false } }] },
      sort: '-updatedAt',
      limit: LINK_WATCH_MAX_CONTENTS,
      depth: 0,
      overrideAccess: true,
    })
    for (const doc of docs as unknown as Doc[]) {
      const urls = [...new Set(extractLinks(doc, { collection, settings }).filter((l) => !l.internal && (l.scheme === 'http' || l.scheme === 'https')).map((l) => l.url))]
      if (!urls.length) continue
      withLinks.push({ collection, doc, urls })
      for (const u of urls) all.add(u)
    }
  }
  // A process stopping before the checks: nothing fetched, nothing recorded (the next day's run checks again).
  const urls = opts.signal?.aborted ? [] : [...all].slice(0, opts.maxLinks ?? LINK_WATCH_MAX_LINKS)
  const results: Map<string, LinkResult> = urls.length
    ? await checkExternalLinks(urls, { trustedOrigins: originsFrom(env.linkCheckTrustedOrigins, 'LINK_CHECK_TRUSTED_ORIGINS'), timeoutMs: env.linkCheckTimeoutMs })
    : new Map()
  let opened = 0
  let fixed = 0
  let contents = 0
  for (const { collection, doc, urls: own } of withLinks) {
    if (opts.signal?.aborted) break
    // A content whose links were not all checked this run (over the cap) waits for a run that checks them all.
    if (!own.every((u) => results.has(u))) continue
    contents++
    const findings = await checkContent(payload, collection, doc, undefined, { external: (u) => results.get(u) })
    const r = await reconcileCheckRecords(payload, { collection, id: doc.id, title: doc.title ?? null, findings, part: 'links', now })
    opened += r.opened
    fixed += r.fixed
  }
  const dead = [...results.values()].filter((r) => !r.ok).length
  const run = { contents, links: results.size, dead, opened, fixed, ms: Date.now() - started }
  const log = payload.logger.child({ component: 'link-watch' })
  if (dead) log.warn(run, 'dead external links on published pages (inspection report, 死链)')
  else log.info(run, 'external links of published pages checked')
  return run
}

let running: Promise<LinkWatchRun | null> | null = null

/**
 * The scheduler's part: at the first tick at or after LINK_WATCH_HOUR, claimed
 * once per street day across processes, the run starts beside the tick (it
 * waits on the network, minutes at worst) and logs its own failure; once
 * `signal` (the scheduler's stop) is aborted it records nothing more. Answers
 * whether a run started.
 */
export async function startLinkWatchJob(payload: Payload, now = new Date(), signal?: AbortSignal): Promise<boolean> {
  const hour = env.linkWatchHour
  if (hour === null || running || streetHour(now) < hour) return false
  let started = false
  await onceInWindow(payload, LINK_WATCH_SCOPE, daySlot(now), async () => {
    started = true
    running = watchExternalLinks(payload, { now, signal })
      .catch((err: unknown) => {
        payload.logger.error({ err, component: 'link-watch' }, 'link watch failed')
        return null
      })
      .finally(() => {
        running = null
      })
  })
  return started
}

/** The run in progress, if any (a stopping process, and tests, wait for it). */
export const linkWatchRunning = (): Promise<LinkWatchRun | null> | null => running
