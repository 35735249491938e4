/**
 * The reading site's memory cache: rendered pages (HTML + ETag) and the site
 * settings, so a hot page is answered without touching the database.
 *
 * Content and settings hooks call invalidateSiteCache(). Those hooks may run in
 * Next's bundled copy of this module (a save from the admin), so the state
 * lives on globalThis where both copies find it. Other processes converge
 * through the short TTL.
 */

export const SITE_CACHE_TTL_MS = 30_000
/** Hooks run before their transaction commits; a second sweep drops a page rendered from the old data meanwhile. */
const SETTLE_MS = 1_500
const MAX_ENTRIES = 2_000

type Entry = { value: unknown; expires: number }
type State = {
  entries: Map<string, Entry>
  inflight: Map<string, Promise<unknown>>
  generation: number
  invalidations: number
}

const KEY = Symbol.for('street-news.site-cache')
const holder = globalThis as unknown as Record<symbol, State | undefined>
const state: State = (holder[KEY] ??= { entries: new Map(), inflight: new Map(), generation: 0, invalidations: 0 })

function drop() {
  state.entries.clear()
  state.generation++
}

/** Forget every cached page and the settings (now, and once more after the writer's commit). */
export function invalidateSiteCache(): void {
  drop()
  state.invalidations++
  setTimeout(drop, SETTLE_MS).unref()
}

/** A hook for afterChange/afterDelete of content and of the site settings. */
export const invalidateSiteCacheHook = <T extends { doc?: unknown }>(args: T): T['doc'] => {
  invalidateSiteCache()
  return args.doc
}

function store(key: string, value: unknown, generation: number) {
  // A value produced from data older than the last invalidation is not kept.
  if (generation !== state.generation) return
  if (state.entries.size >= MAX_ENTRIES && !state.entries.has(key)) {
    state.entries.delete(state.entries.keys().next().value as string)
  }
  state.entries.set(key, { value, expires: Date.now() + SITE_CACHE_TTL_MS })
}

function produce<T>(key: string, producer: () => Promise<T>): Promise<T> {
  const running = state.inflight.get(key)
  if (running) return running as Promise<T>
  const generation = state.generation
  const p = producer()
    .then((value) => {
      store(key, value, generation)
      return value
    })
    .finally(() => state.inflight.delete(key))
  state.inflight.set(key, p)
  return p
}

/**
 * The cached value for key, producing it once when missing (concurrent callers
 * share one production). An expired value is still answered while a fresh one
 * is produced in the background, so the hot path never waits on the database.
 */
export async function cached<T>(key: string, producer: () => Promise<T>, onBackgroundError?: (err: unknown) => void): Promise<T> {
  const hit = state.entries.get(key)
  if (hit) {
    if (hit.expires <= Date.now() && !state.inflight.has(key)) {
      produce(key, producer).catch((err) => {
        state.entries.delete(key)
        onBackgroundError?.(err)
      })
    }
    return hit.value as T
  }
  return produce(key, producer)
}

/** The cached value, if present (no production). */
export function peek<T>(key: string): T | undefined {
  return state.entries.get(key)?.value as T | undefined
}

export const siteCacheStats = () => ({ entries: state.entries.size, invalidations: state.invalidations })
