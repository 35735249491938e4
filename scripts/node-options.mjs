/**
 * The Node option every process of ours runs with, whoever starts it: the
 * launcher (npm start, dev, build, bench), the test configs, and the
 * `payload` scripts in package.json, which write it out. Child processes
 * inherit it through NODE_OPTIONS.
 *
 * Why: lexical, which Payload's rich text loads on the server, has Node entry
 * files (`dist/*.node.mjs`) that pick their build with a top-level
 * `await import(…)`. On Node 20 a module graph holding a dozen of those now
 * and then ends the process while it loads, with exit code 13 ("unsettled
 * top-level await") and no output: measured 2 starts in 10 on an idle machine,
 * 16 in 40 under load (plain `node` as well as tsx). The `production` export
 * condition makes Node load lexical's production build directly, without
 * that await: 0 in 40 under the same load. Only lexical's packages declare
 * this condition (checked across node_modules), so nothing else changes.
 * (Vitest's own test processes add the `development` condition, which lexical
 * lists first: they load its development build, also without the await.)
 */
export const NODE_CONDITIONS = '--conditions=production'

/** `NODE_OPTIONS` with our condition added (once). */
export function withNodeConditions(nodeOptions = '') {
  return nodeOptions.split(/\s+/).includes(NODE_CONDITIONS) ? nodeOptions : `${nodeOptions} ${NODE_CONDITIONS}`.trim()
}

/**
 * Memory settings for the processes the launcher starts (npm start, dev,
 * bench): measured with `npm run bench -- soak` (docs/performance.md), the
 * server's live heap is about 100 MB, but under a steady read load V8 let the
 * heap grow to 2.5–3 times that before collecting it, so the RSS swung between
 * 400 and 650 MB. HEAP_GROWING_PERCENT (default 50) has the heap collected
 * once it has grown by that share over what survived the last collection;
 * 0 leaves V8's own heuristics. MALLOC_ARENA_MAX (default 2) keeps glibc from
 * giving each native thread (libuv's pool, sharp) a malloc arena of its own,
 * about 40 MB of RSS at rest.
 */
export function memoryFlags(env = process.env) {
  const raw = (env.HEAP_GROWING_PERCENT ?? '').trim() || '50'
  const percent = Number(raw)
  if (!/^\d+$/.test(raw) || percent > 400) throw new Error(`HEAP_GROWING_PERCENT must be a whole number from 0 to 400, not "${raw}"`)
  return percent === 0 ? [] : [`--heap-growing-percent=${percent}`]
}

/** The environment the launcher adds for what it starts (see memoryFlags). */
export function memoryEnv(env = process.env) {
  return { MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX || '2' }
}
