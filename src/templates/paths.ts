/**
 * Where each content lives on the reading site. The site's routes and every
 * template that links to a content (pages, email, WeChat, feeds) use these.
 */
import type { Id } from '../model/ids'

export const paths = {
  home: () => '/',
  issues: () => '/issues',
  issue: (number: number | string) => `/issues/${encodeURIComponent(String(number))}`,
  events: () => '/events',
  event: (id: Id) => `/events/${encodeURIComponent(String(id))}`,
  policies: () => '/policies',
  policy: (id: Id) => `/policies/${encodeURIComponent(String(id))}`,
  document: (id: Id) => `/documents/${encodeURIComponent(String(id))}`,
  announcement: (id: Id) => `/announcements/${encodeURIComponent(String(id))}`,
  grids: () => '/grids',
  grid: (code: string) => `/grids/${encodeURIComponent(code)}`,
  preview: (collection: string, id: Id) => `/preview/${encodeURIComponent(collection)}/${encodeURIComponent(String(id))}`,
  textSize: (size: 'large' | 'normal', back: string) => `/text-size?size=${size}&back=${encodeURIComponent(back)}`,
  careMode: (on: boolean, back: string) => `/care-mode?on=${on ? 1 : 0}&back=${encodeURIComponent(back)}`,
  subscribe: (grid?: string) => (grid ? `/subscribe?grid=${encodeURIComponent(grid)}` : '/subscribe'),
  subscribeConfirm: (token: string) => `/subscribe/confirm?t=${encodeURIComponent(token)}`,
  preferences: (token: string) => `/subscribe/preferences?t=${encodeURIComponent(token)}`,
  unsubscribe: (token: string) => `/subscribe/unsubscribe/${encodeURIComponent(token)}`,
}

const idOf = (v: unknown): Id | null =>
  typeof v === 'string' || typeof v === 'number'
    ? v
    : v && typeof v === 'object' && 'id' in v
      ? ((v as { id: Id }).id ?? null)
      : null

/** The page of a content, given its collection and its (possibly populated) document. */
export function contentPath(collection: string, doc: unknown): string | null {
  if (collection === 'issues') {
    const number = doc && typeof doc === 'object' ? (doc as { number?: unknown }).number : undefined
    return typeof number === 'number' ? paths.issue(number) : null
  }
  const id = idOf(doc)
  if (id == null) return null
  if (collection === 'events') return paths.event(id)
  if (collection === 'policies') return paths.policy(id)
  if (collection === 'announcements') return paths.announcement(id)
  if (collection === 'policy-documents') return paths.document(id)
  return null
}
