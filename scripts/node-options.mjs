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
