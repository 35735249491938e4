import { register } from 'node:module'

/**
 * Payload's admin server functions (form-state and the rest) live in
 * @payloadcms/ui beside client components that import stylesheets, which
 * Next bundles and Node cannot load. This hook makes a stylesheet an empty
 * module, so a test can call those server functions as the admin does.
 * Import this module before anything that imports @payloadcms/ui's utilities.
 */
const hooks = `export async function load(url, context, next) {
  if (/\\.(css|scss)(\\?.*)?$/.test(url)) return { format: 'module', source: '', shortCircuit: true }
  return next(url, context)
}`
register(`data:text/javascript,${encodeURIComponent(hooks)}`, import.meta.url)
