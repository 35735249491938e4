import { createHash } from 'node:crypto'

import { PUBLISH_CHOICE_KEYS } from '../fields/audience'

type ContentDoc = Record<string, unknown>

// The checks override is a staff decision about the content, not what a reader sees (set by hooks/checksGate.ts).
// The publishing choices (channels, notice) are the publisher's, made after the approval.
const NOT_CONTENT = new Set(['id', '_status', 'review', 'createdAt', 'updatedAt', 'publishedAt', 'withdrawnAt', 'number', 'checksOverride', ...PUBLISH_CHOICE_KEYS])

/** A fingerprint of what a reader would see: an approval is for this exact content. */
export function contentFingerprint(doc: ContentDoc): string {
  const normalise = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(normalise)
    if (v && typeof v === 'object') {
      if ('id' in v && Object.keys(v).length > 2) return String((v as { id: unknown }).id) // populated relation
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, normalise((v as Record<string, unknown>)[k])]),
      )
    }
    return v == null ? null : typeof v === 'number' || typeof v === 'string' ? String(v) : v
  }
  const picked = Object.fromEntries(
    Object.keys(doc)
      .filter((k) => !NOT_CONTENT.has(k))
      .sort()
      .map((k) => [k, normalise(doc[k])]),
  )
  return createHash('sha256').update(JSON.stringify(picked)).digest('hex')
}
