import type { LinkRef, TextUnit } from '../extract'
import { finding } from '../findings'
import type { CheckSettings, Finding, InternalTarget, LinkResult, TargetState } from '../types'

/**
 * Dead links (提示): a link to this site's own content that readers cannot
 * open (missing, a draft, withdrawn), and, when the external links were
 * checked (the checks endpoint with `links: true`), an external link that is
 * dead. Pure: what is known of the targets comes in `settings.links`.
 */

/** The content pages of src/templates/paths.ts, read backwards. */
const CONTENT_PAGES: [RegExp, InternalTarget['collection'], InternalTarget['key']][] = [
  [/^\/issues\/([^/]+)$/, 'issues', 'number'],
  [/^\/events\/([^/]+)$/, 'events', 'id'],
  [/^\/policies\/([^/]+)$/, 'policies', 'id'],
  [/^\/announcements\/([^/]+)$/, 'announcements', 'id'],
  [/^\/grids\/([^/]+)$/, 'grids', 'code'],
]

const CONTENT_SLUGS = new Set(['issues', 'events', 'policies', 'announcements'])

function decode(s: string): string | null {
  try {
    return decodeURIComponent(s)
  } catch {
    return null
  }
}

/** The content a site path or a link to PUBLIC_URL shows, or null when it is no content page (the home page, /subscribe…). */
export function targetOfUrl(url: string, publicUrl?: string | null): InternalTarget | null {
  const u = url.trim()
  let pathname: string
  if (/^https?:\/\//i.test(u)) {
    if (!publicUrl) return null
    try {
      const parsed = new URL(u)
      const site = new URL(publicUrl)
      if (parsed.origin !== site.origin) return null
      // A PUBLIC_URL with a path (https://example.org/news) puts the pages under it.
      const base = site.pathname.replace(/\/+$/, '')
      if (base && !(parsed.pathname === base || parsed.pathname.startsWith(`${base}/`))) return null
      pathname = parsed.pathname.slice(base.length) || '/'
    } catch {
      return null
    }
  } else if (u.startsWith('/') && !u.startsWith('//')) {
    pathname = u.replace(/[?#].*$/, '')
  } else {
    return null
  }
  pathname = pathname.replace(/\/+$/, '')
  for (const [pattern, collection, key] of CONTENT_PAGES) {
    const m = pattern.exec(pathname)
    if (!m) continue
    const value = decode(m[1])
    return value === null ? null : { collection, key, value }
  }
  return null
}

/** The target of an internal link: a Lexical internal link's document, or its URL. */
export function targetOfLink(link: LinkRef, publicUrl?: string | null): InternalTarget | null {
  if (!link.internal) return null
  if (link.doc) {
    if (!CONTENT_SLUGS.has(link.doc.relationTo)) return null
    const v = link.doc.value
    const id = typeof v === 'string' || typeof v === 'number' ? v : v && typeof v === 'object' ? (v as { id?: unknown }).id : undefined
    if (typeof id !== 'string' && typeof id !== 'number') return null
    return { collection: link.doc.relationTo as InternalTarget['collection'], key: 'id', value: String(id) }
  }
  return targetOfUrl(link.url, publicUrl)
}

const sameNode = (a?: number[], b?: number[]) => Boolean(a && b && a.length === b.length && a.every((v, i) => v === b[i]))
const under = (node: number[] | undefined, parent: number[] | undefined) => Boolean(node && parent && parent.length <= node.length && parent.every((v, i) => node[i] === v))

/** Where in the unit's text a link is: its URL (after the body text), its label, or the URL as written in the text. */
function whereIs(unit: TextUnit, link: LinkRef, searchFrom: Map<string, number>): [number, number] {
  if (link.from === 'link' || link.from === 'autolink') {
    const url = unit.segments.find((s) => s.source === 'url' && sameNode(s.node, link.node))
    if (url) return [url.start, url.end]
    const label = unit.segments.filter((s) => s.source === 'text' && under(s.node, link.node))
    if (label.length) return [label[0].start, label[label.length - 1].end]
    return [0, 0]
  }
  const at = unit.text.indexOf(link.url, searchFrom.get(link.url) ?? 0)
  if (at === -1) return [0, 0]
  searchFrom.set(link.url, at + link.url.length)
  return [at, at + link.url.length]
}

const INTERNAL_MESSAGE = { draft: 'check.msg.deadLink.draft', withdrawn: 'check.msg.deadLink.withdrawn', missing: 'check.msg.deadLink.missing' } as const

export function detectDeadLinks(unit: TextUnit, settings: CheckSettings): Finding[] {
  const known = settings.links
  if (!known || !unit.links.length) return []
  const out: Finding[] = []
  const searchFrom = new Map<string, number>()
  for (const link of unit.links) {
    let state: TargetState | undefined
    let external: LinkResult | undefined
    if (link.internal) {
      const target = targetOfLink(link, settings.publicUrl)
      state = target ? known.internal?.(target) : undefined
    } else if (link.scheme === 'http' || link.scheme === 'https') {
      external = known.external?.(link.url)
    }
    const dead = (state && state !== 'published') || (external && !external.ok)
    // The search cursor moves for every link written in the text, dead or not, so a repeated URL is found in order.
    const [start, end] = whereIs(unit, link, searchFrom)
    if (!dead) continue
    const message = state && state !== 'published' ? INTERNAL_MESSAGE[state] : (`check.msg.deadLink.${external!.reason}` as const)
    out.push(
      finding(unit, start, end, {
        kind: 'dead-link',
        severity: 'warning',
        message: message as Finding['message'],
        vars: { url: link.url, ...(external?.status !== undefined ? { status: String(external.status) } : {}) },
      }),
    )
  }
  return out
}
