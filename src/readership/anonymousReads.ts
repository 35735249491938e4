import { isIPv6 } from 'node:net'

import { type RateRule, ruleFromEnv } from '../store/rateLimits'

/**
 * What keeps page-view figures honest without a database call per view
 * (the page path answers thousands of requests a second and never waits on
 * the database; see docs/privacy.md, "What is not counted"):
 *
 * - ReaderIdLimit: a read by a browser that has no reader identity yet (no
 *   valid reader cookie, and no personal link it is the first to use) makes
 *   one; per client address only READ_ANON_LIMIT of them count in a time
 *   window. Without it, replaying one grid cookie without a reader cookie
 *   made a new "reader" per request. A fixed window, in memory: one map of
 *   addresses, emptied when the window turns, and never larger than
 *   `maxAddresses` (a flood of new addresses is refused, not remembered).
 *   Per process: with several web processes an address gets the limit in
 *   each. The database-backed rate limits (src/store/rateLimits.ts) cost a
 *   read and a write per check, which this path must not do.
 * - FirstBrowser: a personal link (a read token with the recipient's reader
 *   key) counts as the recipient in the first browser that opens it; any
 *   other browser that opens the same link (it was forwarded) reads as
 *   itself. Bounded, in memory, oldest forgotten first; after a restart the
 *   next browser to open a link is taken for its recipient.
 */
export const DEFAULT_ANON_RULE: RateRule = { limit: 30, windowMs: 600_000 }

/** The part of a client address that names one client: IPv4 as is, IPv6 by its /64 (one household or phone). */
export function addressKey(address: string): string {
  const a = address.trim().toLowerCase()
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a)
  if (mapped) return mapped[1]
  if (!isIPv6(a)) return a
  const [head, tail = ''] = a.split('::')
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const groups = a.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`
}

export class ReaderIdLimit {
  private window = -1
  private readonly counts = new Map<string, number>()

  constructor(
    readonly rule: RateRule,
    private readonly maxAddresses = 100_000,
  ) {}

  /** May one more new reader from this address count now? */
  take(address: string, now = Date.now()): boolean {
    const w = Math.floor(now / this.rule.windowMs)
    if (w !== this.window) {
      this.window = w
      this.counts.clear()
    }
    const key = addressKey(address)
    const n = this.counts.get(key) ?? 0
    if (n >= this.rule.limit) return false
    if (n === 0 && this.counts.size >= this.maxAddresses) return false
    this.counts.set(key, n + 1)
    return true
  }
}

export class FirstBrowser {
  private readonly owners = new Map<string, string>()

  constructor(private readonly max = 100_000) {}

  /** Is `browser` the one that first opened the link of `readerKey` (and from now on, if nobody had)? */
  claim(readerKey: string, browser: string): boolean {
    const owner = this.owners.get(readerKey)
    if (owner !== undefined) return owner === browser
    if (this.owners.size >= this.max) this.owners.delete(this.owners.keys().next().value!)
    this.owners.set(readerKey, browser)
    return true
  }

  /** Has a browser opened this link already? */
  claimed(readerKey: string): boolean {
    return this.owners.has(readerKey)
  }
}

// The process's instances; the limit follows READ_ANON_LIMIT (COUNT/SECONDS) when it changes.
let limit: { raw: string; value: ReaderIdLimit } | null = null
export function readerIdLimit(): ReaderIdLimit {
  const rule = ruleFromEnv('READ_ANON_LIMIT', DEFAULT_ANON_RULE)
  const raw = `${rule.limit}/${rule.windowMs}`
  if (!limit || limit.raw !== raw) limit = { raw, value: new ReaderIdLimit(rule) }
  return limit.value
}

export const firstBrowser = new FirstBrowser()
