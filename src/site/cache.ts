/**
 * The reading site's memory cache: rendered pages (HTML + ETag), feeds, the
 * grid directory and the site settings, so a hot page is answered without
 * touching the database.
 *
 * Each entry names what it was made from (tags: a collection for a list, one
 * document for its own page). A save invalidates only the entries made from
 * what it changed (src/hooks/pageCache.ts), so an editor saving every second
 * does not make every page render again. An entry without tags is dropped by
 * every invalidation.
 *
 * Those hooks may run in Next's bundled copy of this module (a save from the
 * admin), so the state lives on globalThis where both copies find it. Other
 * processes converge through the short TTL.
 */

export const SITE_CACHE_TTL_MS = 30_000
/** Hooks run before their transaction commits; a second sweep of the same scope drops a page rendered from the old data meanwhile. */
const SETTLE_MS = 1_500
const MAX_ENTRIES = 2_000
/** Past this many remembered tag invalidations, forget them and treat the next store as after a full invalidation. */
const MAX_TAG_CLOCKS = 10_000

/**
 * What an invalidation covers: a whole collection's lists and one document's
 * own page (and any further tags named in `also`), or (none) everything.
 */
export type CacheScope = { collection: string; id?: string | number; also?: readonly string[] }

/** A list or page made from a collection (any of its documents may appear). */
export const collectionTag = (collection: string) => collection
/** A page made from one document alone. */
export const documentTag = (collection: string, id: string | number) => `${collection}:${String(id)}`

type Entry = { value: unknown; expires: number; tags: readonly string[] }
type State = {
  entries: Map<string, Entry>
  /** Productions under way: what they will answer, the clock they started at, and their tags when known before the value. */
  inflight: Map<string, { promise: Promise<unknown>; startedAt: number; tags: readonly string[] | null }>
  /** Advances at every invalidation; a production remembers the clock it started at. */
  clock: number
  /** The clock of the last invalidation of everything. */
  allAt: number
  /** The clock of the last invalidation touching each tag (untagged entries: any invalidation, under ''). */
  tagAt: Map<string, number>
  /** Scopes waiting for their settle sweep ('*' for everything), with when each is due. */
  settling: Map<string, { scope?: CacheScope; due: number }>
  settleTimer?: ReturnType<typeof setTimeout>
  invalidations: number
}

const KEY = Symbol.for('street-news.site-cache.v2')
const holder = globalThis as unknown as Record<symbol, State | undefined>
const state: State = (holder[KEY] ??= {
  entries: new Map(),
  inflight: new Map(),
  clock: 0,
  allAt: 0,
  tagAt: new Map(),
  settling: new Map(),
  invalidations: 0,
})

const ANY = ''
const scopeTags = (scope: CacheScope) => [
  collectionTag(scope.collection),
  ...(scope.id == null ? [] : [documentTag(scope.collection, scope.id)]),
  ...(scope.also ?? []),
]

function drop(scope?: CacheScope) {
  const now = ++state.clock
  if (!scope) {
    state.entries.clear()
    state.allAt = now
    state.tagAt.clear()
    return
  }
  const tags = scopeTags(scope)
  if (state.tagAt.size + tags.length > MAX_TAG_CLOCKS) {
    state.tagAt.clear()
    state.allAt = now
  }
  for (const tag of [...tags, ANY]) state.tagAt.set(tag, now)
  for (const [key, entry] of state.entries) {
    if (entry.tags.length === 0 || entry.tags.some((tag) => tags.includes(tag))) state.entries.delete(key)
  }
}

function sweepDue() {
  state.settleTimer = undefined
  const now = Date.now()
  for (const [key, { scope, due }] of state.settling) {
    if (due > now) continue
    state.settling.delete(key)
    drop(scope)
  }
  scheduleSweep()
}

function scheduleSweep() {
  if (state.settleTimer || state.settling.size === 0) return
  const next = Math.min(...[...state.settling.values()].map((s) => s.due))
  state.settleTimer = setTimeout(sweepDue, Math.max(0, next - Date.now()))
  state.settleTimer.unref?.()
}

/**
 * Forget what a change made stale: with a scope, the entries made from that
 * collection or that document; without, everything (settings, grids). Now,
 * and once more after the writer's commit.
 */
export function invalidateSiteCache(scope?: CacheScope): void {
  drop(scope)
  state.invalidations++
  const key = scope ? scopeTags(scope).join('|') : '*'
  // One sweep per scope, after the latest change to it.
  state.settling.set(key, { scope, due: Date.now() + SETTLE_MS })
  scheduleSweep()
}

/** For a change that may alter anything the site shows (the site settings, grids, communities). */
export const invalidateSiteCacheHook = <T extends { doc?: unknown }>(args: T): T['doc'] => {
  invalidateSiteCache()
  return args.doc
}

/** Was anything this entry is made from invalidated since `startedAt`? */
function staleSince(tags: readonly string[], startedAt: number): boolean {
  if (state.allAt > startedAt) return true
  if (tags.length === 0) return (state.tagAt.get(ANY) ?? 0) > startedAt
  return tags.some((tag) => (state.tagAt.get(tag) ?? 0) > startedAt)
}

function store(key: string, value: unknown, tags: readonly string[], startedAt: number) {
  // A value produced from data older than an invalidation of what it is made from is not kept.
  if (staleSince(tags, startedAt)) return
  if (state.entries.size >= MAX_ENTRIES && !state.entries.has(key)) {
    state.entries.delete(state.entries.keys().next().value as string)
  }
  state.entries.set(key, { value, expires: Date.now() + SITE_CACHE_TTL_MS, tags })
}

export type CacheOptions<T> = {
  /** What the value is made from (see collectionTag, documentTag); may depend on the value itself. */
  tags?: readonly string[] | ((value: T) => readonly string[])
  onBackgroundError?: (err: unknown) => void
}

function produce<T>(key: string, producer: () => Promise<T>, options: CacheOptions<T>): Promise<T> {
  const running = state.inflight.get(key)
  // Callers share a production, unless what it is made from changed since it started: it would answer data
  // from before the change (a page asked for right after a publication would miss it). Unknown tags: any change.
  if (running && !staleSince(running.tags ?? [], running.startedAt)) return running.promise as Promise<T>
  const startedAt = state.clock
  const p: Promise<T> = producer()
    .then((value) => {
      const tags = typeof options.tags === 'function' ? options.tags(value) : (options.tags ?? [])
      store(key, value, tags, startedAt)
      return value
    })
    .finally(() => {
      if (state.inflight.get(key)?.promise === p) state.inflight.delete(key)
    })
  state.inflight.set(key, { promise: p, startedAt, tags: typeof options.tags === 'function' ? null : (options.tags ?? []) })
  return p
}

/**
 * The cached value for key, producing it once when missing (concurrent callers
 * share one production). An expired value is still answered while a fresh one
 * is produced in the background, so the hot path never waits on the database.
 */
export async function cached<T>(key: string, producer: () => Promise<T>, options: CacheOptions<T> = {}): Promise<T> {
  const hit = state.entries.get(key)
  if (hit) {
    if (hit.expires <= Date.now() && !state.inflight.has(key)) {
      produce(key, producer, options).catch((err) => {
        state.entries.delete(key)
        options.onBackgroundError?.(err)
      })
    }
    return hit.value as T
  }
  return produce(key, producer, options)
}

/** The cached value if present and not expired (no production): for answering without the producer at hand. */
export function fresh<T>(key: string): T | undefined {
  const hit = state.entries.get(key)
  return hit && hit.expires > Date.now() ? (hit.value as T) : undefined
}

/** The cached value, if present (no production). */
export function peek<T>(key: string): T | undefined {
  return state.entries.get(key)?.value as T | undefined
}

export const siteCacheStats = () => ({ entries: state.entries.size, invalidations: state.invalidations, settling: state.settling.size })
