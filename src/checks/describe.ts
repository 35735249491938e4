import { findingMessage, fixLabel, kindLabel, pathLabel, severityLabel } from './findings'
import type { Finding, Severity } from './types'

/**
 * A finding in words, for people and JSON (the admin's checks endpoint and
 * sidebar, the scheduled publication's mail): where it is, what is wrong,
 * how to fix it, with the text around it.
 */
export type FindingView = Pick<Finding, 'kind' | 'severity' | 'path' | 'offset' | 'length' | 'match' | 'context'> & {
  /** 严重 / 提示 */
  severityLabel: string
  /** 身份证号码, 错别字, … */
  kindLabel: string
  /** 文章 2 · 正文 */
  where: string
  /** The explanation. */
  what: string
  /** 改为“安装” / 遮盖为“138****1234”, or null where there is no automatic fix. */
  fix: string | null
  /** Masked by 一键脱敏. */
  maskable: boolean
}

export function describeFinding(f: Finding, lang: string = 'zh'): FindingView {
  return {
    kind: f.kind,
    severity: f.severity,
    path: f.path,
    offset: f.offset,
    length: f.length,
    match: f.match,
    context: f.context,
    severityLabel: severityLabel(f.severity, lang),
    kindLabel: kindLabel(f.kind, lang),
    where: pathLabel(f.path, lang),
    what: findingMessage(f, lang),
    fix: fixLabel(f, lang),
    maskable: f.fix?.kind === 'mask',
  }
}

/** Serious findings first, each group in the checks' own order (the fields as the editor sees them). */
export function seriousFirst<T extends { severity: Severity }>(findings: readonly T[]): T[] {
  return [...findings.filter((f) => f.severity === 'serious'), ...findings.filter((f) => f.severity !== 'serious')]
}
