import { detectDoubledChars, detectDoubledPunctuation } from './detect/doubled'
import { detectImagesWithoutAlt } from './detect/images'
import { detectOfficialNames } from './detect/officialNames'
import { detectPersonalInfo } from './detect/personal'
import { detectTypos } from './detect/typos'
import { extractUnits, type TextUnit } from './extract'
import { detectDeadLinks } from './links/internal'
import type { CheckOptions, Finding, Span } from './types'

/**
 * Pre-publish checks (issue 16): pure functions from a content document as
 * Payload stores it to a list of findings, and from findings back to a
 * patched document. No database, no network: the sidebar, the publish gate,
 * the WeChat preview and the inspection report call these.
 */

export type { CheckOptions, CheckSettings, Finding, FindingKind, Fix, InternalTarget, LinkResult, LinkStates, OfficialName, Severity, Span, TargetState } from './types'
export { extractImages, extractLinks, type ImageRef, type LinkRef } from './extract'
export { findingMessage, fixLabel, kindLabel, pathLabel, severityLabel } from './findings'
export { maskCardNumber, maskIdNumber, maskMobile, maskName } from './mask'

const KIND_ORDER = ['official-name', 'id-number', 'bank-card', 'mobile', 'personal-name', 'typo', 'doubled-char', 'doubled-punct', 'image-alt', 'dead-link']

/** Every detector over one field's text. */
export function checkUnit(unit: TextUnit, options: CheckOptions = {}): Finding[] {
  const settings = options.settings ?? {}
  return [
    ...detectOfficialNames(unit, settings.officialNames),
    ...detectPersonalInfo(unit, settings, options.now),
    ...detectTypos(unit),
    ...detectDoubledChars(unit),
    ...detectDoubledPunctuation(unit),
    ...detectImagesWithoutAlt(unit),
    ...detectDeadLinks(unit, settings),
  ]
}

/** The checks over plain text from elsewhere (the WeChat HTML's text, say), reported under `path`. */
export function checkText(text: string, path: string, options: CheckOptions = {}): Finding[] {
  const unit: TextUnit = { path, text, segments: text ? [{ start: 0, end: text.length, source: 'field' }] : [], richText: false, links: [], images: [] }
  return sortFindings(checkUnit(unit, options), [path])
}

function sortFindings(findings: Finding[], order: string[]): Finding[] {
  const rank = new Map(order.map((p, i) => [p, i]))
  return findings.sort(
    (a, b) =>
      (rank.get(a.path) ?? 0) - (rank.get(b.path) ?? 0) ||
      a.offset - b.offset ||
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind),
  )
}

/**
 * All findings of a document, in the order the editor sees the fields (title,
 * summary, then article 1's fields, article 2's…), and by offset within a field.
 */
export function runChecks(doc: unknown, options: CheckOptions = {}): Finding[] {
  const units = extractUnits(doc, options.collection, options.settings)
  return sortFindings(
    units.flatMap((u) => checkUnit(u, options)),
    units.map((u) => u.path),
  )
}

export type FixResult<T> = {
  doc: T
  applied: Finding[]
  /** Findings left alone: no fix, text changed since the check, alt text (on the media document), or overlapping another fix. */
  skipped: { finding: Finding; reason: 'no-fix' | 'changed' | 'not-in-document' | 'overlap' }[]
}

type Container = Record<string | number, unknown>

function valueAt(doc: unknown, path: string): { parent: Container; key: string | number; value: unknown } | null {
  const keys = path.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k))
  let parent: unknown = null
  let value: unknown = doc
  for (const key of keys) {
    if (!value || typeof value !== 'object') return null
    parent = value
    value = (value as Container)[key]
  }
  return parent ? { parent: parent as Container, key: keys[keys.length - 1], value } : null
}

function lexicalNode(value: unknown, node: number[]): Container | null {
  let cur = (value as { root?: unknown } | null)?.root as Container | undefined
  for (const i of node) {
    const kids = cur?.children
    if (!Array.isArray(kids)) return null
    cur = kids[i] as Container | undefined
  }
  return cur && typeof cur === 'object' ? cur : null
}

/** Reads and writes the one stored string a span points at. */
function slot(doc: unknown, path: string, span: Span): { get: () => unknown; set: (s: string) => void } | null {
  const at = valueAt(doc, path)
  if (!at) return null
  if (span.source === 'field') return { get: () => at.parent[at.key], set: (s) => (at.parent[at.key] = s) }
  if (!span.node) return null
  const node = lexicalNode(at.value, span.node)
  if (!node) return null
  if (span.source === 'text') return { get: () => node.text, set: (s) => (node.text = s) }
  if (span.source === 'url') {
    const fields = node.fields as Container | undefined
    if (fields && typeof fields.url === 'string') return { get: () => fields.url, set: (s) => (fields.url = s) }
    return { get: () => node.url, set: (s) => (node.url = s) }
  }
  return null
}

/**
 * Applies the findings' fixes to a copy of the document, each in the stored
 * string it came from (a Lexical text node, a link's URL, a plain field). A
 * fix is applied only where the text still reads as it did when checked; a
 * match that runs over several text nodes (part bold) puts the replacement in
 * the first and removes the rest, keeping the nodes' formatting.
 */
export function applyFixes<T>(doc: T, findings: readonly Finding[]): FixResult<T> {
  const copy = structuredClone(doc)
  const applied: Finding[] = []
  const skipped: FixResult<T>['skipped'] = []
  type Edit = { slot: NonNullable<ReturnType<typeof slot>>; key: string; from: number; to: number; text: string }
  const edits: Edit[] = []
  const claimed = new Map<string, [number, number][]>()

  for (const f of findings) {
    if (!f.fix) {
      skipped.push({ finding: f, reason: 'no-fix' })
      continue
    }
    const slots = f.spans.map((s) => (s.source === 'alt' ? null : slot(copy, f.path, s)))
    if (!f.spans.length || slots.some((s) => !s)) {
      skipped.push({ finding: f, reason: 'not-in-document' })
      continue
    }
    const keys = f.spans.map((s) => `${f.path}|${s.source}|${s.node?.join('.') ?? ''}`)
    const changed = f.spans.some((s, i) => {
      const v = slots[i]!.get()
      return typeof v !== 'string' || v.slice(s.from, s.to) !== s.text
    })
    if (changed) {
      skipped.push({ finding: f, reason: 'changed' })
      continue
    }
    const overlaps = f.spans.some((s, i) => (claimed.get(keys[i]) ?? []).some(([a, b]) => a < s.to && s.from < b))
    if (overlaps) {
      skipped.push({ finding: f, reason: 'overlap' })
      continue
    }
    f.spans.forEach((s, i) => {
      claimed.set(keys[i], [...(claimed.get(keys[i]) ?? []), [s.from, s.to]])
      edits.push({ slot: slots[i]!, key: keys[i], from: s.from, to: s.to, text: i === 0 ? f.fix!.text : '' })
    })
    applied.push(f)
  }
  // Later offsets first within each string, so earlier ones stay valid.
  edits.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : b.from - a.from))
  for (const e of edits) {
    const v = e.slot.get() as string
    e.slot.set(v.slice(0, e.from) + e.text + v.slice(e.to))
  }
  return { doc: copy, applied, skipped }
}

/** One-click masking: every personal-information finding masked in place (a copy of the document). */
export function maskAll<T>(doc: T, findings: readonly Finding[]): T {
  return applyFixes(
    doc,
    findings.filter((f) => f.fix?.kind === 'mask'),
  ).doc
}
