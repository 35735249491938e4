import { createHash } from 'node:crypto'

import type { CheckSettings, Finding, OfficialName } from './types'

/**
 * From site settings as stored to what the checks need, and the fingerprint
 * of serious findings an override covers. Pure: the loaders that read the
 * database live in src/content/checks.ts.
 */

/** A settings row of official names: the correct form, and its wrong forms one a line (commas also separate). */
export type OfficialNameRow = { correct?: string | null; wrong?: string | null }

export function officialNamesOf(rows: readonly OfficialNameRow[] | null | undefined): OfficialName[] {
  const out: OfficialName[] = []
  for (const row of rows ?? []) {
    const correct = (row?.correct ?? '').trim()
    const wrong = (row?.wrong ?? '')
      .split(/[\n,\uFF0C\u3001]/)
      .map((w) => w.trim())
      .filter(Boolean)
    if (correct && wrong.length) out.push({ correct, wrong })
  }
  return out
}

export type SettingsSource = {
  hotline?: string | null
  officialNames?: readonly OfficialNameRow[] | null
}

/** The checks' settings from site settings, the public URL and the staff's work phones. */
export function checkSettingsOf(site: SettingsSource | null | undefined, publicUrl?: string | null, staffPhones: readonly (string | null | undefined)[] = []): CheckSettings {
  return {
    publicUrl: publicUrl ?? null,
    hotline: site?.hotline ?? null,
    officialNames: officialNamesOf(site?.officialNames),
    publicNumbers: staffPhones.filter((p): p is string => Boolean(p && p.trim())),
  }
}

export const isSerious = (f: Finding) => f.severity === 'serious'

/**
 * One serious finding as an override remembers it: its kind and the text
 * matched, hashed (an override's record should not hold a copy of an ID
 * number). Where in the document it sits does not matter, so moving a
 * paragraph keeps the override; a new problem is not covered.
 */
export function findingKey(f: Finding): string {
  return createHash('sha256').update(`${f.kind}\u0000${f.match}`).digest('hex').slice(0, 16)
}

/** The keys an override records, space-separated. */
export function coverOf(findings: readonly Finding[]): string {
  return [...new Set(findings.filter(isSerious).map(findingKey))].sort().join(' ')
}

/** The serious findings an override's record does not cover. */
export function uncovered(findings: readonly Finding[], covers: string | null | undefined): Finding[] {
  const keys = new Set((covers ?? '').split(/\s+/).filter(Boolean))
  return findings.filter((f) => isSerious(f) && !keys.has(findingKey(f)))
}
