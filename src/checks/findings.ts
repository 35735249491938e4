import { type MessageKey, t } from '../i18n/messages'
import type { TextUnit } from './extract'
import type { Finding, FindingKind, Fix, Severity, Span } from './types'

const CONTEXT = 10

/** A few characters either side of [start, end) on the same line, the match in 【】. */
export function contextOf(text: string, start: number, end: number, width = CONTEXT): string {
  const flat = (s: string) => s.replace(/[\n\t]+/g, ' ')
  const lineStart = text.lastIndexOf('\n', start - 1) + 1
  const next = text.indexOf('\n', end)
  const lineEnd = next === -1 ? text.length : next
  const from = Math.max(lineStart, start - width)
  const to = Math.min(lineEnd, end + width)
  return `${from > lineStart ? '…' : ''}${flat(text.slice(from, start))}【${flat(text.slice(start, end))}】${flat(text.slice(end, to))}${
    to < lineEnd ? '…' : ''
  }`
}

/** The stored strings [start, end) of a unit's text came from. */
export function spansOf(unit: TextUnit, start: number, end: number): Span[] {
  const spans: Span[] = []
  for (const seg of unit.segments) {
    if (seg.end <= start) continue
    if (seg.start >= end) break
    const from = Math.max(start, seg.start)
    const to = Math.min(end, seg.end)
    spans.push({ node: seg.node, source: seg.source, from: from - seg.start, to: to - seg.start, text: unit.text.slice(from, to) })
  }
  return spans
}

/** Is any of [start, end) inside a link's URL or an image's alt text? */
export function touchesSource(unit: TextUnit, start: number, end: number, sources: readonly string[]): boolean {
  return unit.segments.some((s) => s.start < end && start < s.end && sources.includes(s.source))
}

export function finding(
  unit: TextUnit,
  start: number,
  end: number,
  props: { kind: FindingKind; severity: Severity; message: MessageKey; vars?: Record<string, string>; fix?: Fix },
): Finding {
  return {
    kind: props.kind,
    severity: props.severity,
    path: unit.path,
    offset: start,
    length: end - start,
    match: unit.text.slice(start, end),
    context: contextOf(unit.text, start, end),
    message: props.message,
    ...(props.vars ? { vars: props.vars } : {}),
    ...(props.fix ? { fix: props.fix } : {}),
    spans: spansOf(unit, start, end),
  }
}

/** The finding's explanation in the user's language. */
export function findingMessage(f: Finding, lang: string = 'zh'): string {
  return t(f.message, lang, { match: f.match, ...(f.vars ?? {}) })
}

/** 严重 / 提示 */
export function severityLabel(severity: Severity, lang: string = 'zh'): string {
  return t(severity === 'serious' ? 'check.severity.serious' : 'check.severity.warning', lang)
}

/** "改为“安装”" / "遮盖为“138****5678”" */
export function fixLabel(f: Finding, lang: string = 'zh'): string | null {
  if (!f.fix) return null
  return t(f.fix.kind === 'mask' ? 'check.fix.mask' : 'check.fix.replace', lang, { text: f.fix.text })
}

const FIELD_LABEL: Record<string, MessageKey> = {
  title: 'field.title',
  summary: 'field.summary',
  body: 'field.body',
  cover: 'field.cover',
  author: 'field.author',
  location: 'field.location',
  organiser: 'field.organiser',
  signup: 'field.signup',
  issuingBody: 'field.issuingBody',
  documentNumber: 'field.documentNumber',
  sourceUrl: 'field.sourceUrl',
  question: 'field.question',
  answer: 'field.answer',
}
const ROW_LABEL: Record<string, MessageKey> = { articles: 'field.article', qa: 'field.qaItem' }

/** Where a finding is, for people: 'articles.2.body' → "文章 3 · 正文". */
export function pathLabel(path: string, lang: string = 'zh'): string {
  const parts = path.split('.')
  const out: string[] = []
  for (let i = 0; i < parts.length; i++) {
    const name = parts[i]
    const next = parts[i + 1]
    if (next !== undefined && /^\d+$/.test(next)) {
      const label = ROW_LABEL[name] ? t(ROW_LABEL[name], lang) : name
      out.push(t('check.path.row', lang, { label, n: Number(next) + 1 }))
      i++
    } else {
      out.push(FIELD_LABEL[name] ? t(FIELD_LABEL[name], lang) : name)
    }
  }
  return out.join(' · ')
}

/** 错别字, 手机号码, … */
export function kindLabel(kind: FindingKind, lang: string = 'zh'): string {
  return t(`check.kind.${kind}` as MessageKey, lang)
}
