import { OFFICIAL_NAMES } from '../lists/officialNames'
import { Dictionary } from '../dictionary'
import type { TextUnit } from '../extract'
import { finding } from '../findings'
import type { Finding, OfficialName } from '../types'

type Entry = { correct: string }

function compile(names: readonly OfficialName[]): Dictionary<Entry> {
  const entries = []
  for (const { correct, wrong } of names) {
    const right = (correct ?? '').trim()
    if (!right) continue
    for (const w of wrong ?? []) {
      const word = (w ?? '').trim()
      // A "wrong form" that the correct name contains would flag the name itself (a slip in settings).
      if (!word || right.includes(word)) continue
      entries.push({ word, data: { correct: right }, except: [right] })
    }
  }
  return new Dictionary(entries)
}

const BUILT_IN = compile(OFFICIAL_NAMES)
let cached: { key: string; dict: Dictionary<Entry> } | null = null

/** The shipped dictionary plus the street's own names from settings (compiled once per distinct list). */
export function officialNamesDictionary(extra?: readonly OfficialName[] | null): Dictionary<Entry> {
  if (!extra?.length) return BUILT_IN
  const key = JSON.stringify(extra)
  if (cached?.key !== key) cached = { key, dict: compile([...OFFICIAL_NAMES, ...extra]) }
  return cached.dict
}

/**
 * Wrong forms of official names (严重): the country, state and party organs,
 * the province, city, district, street and communities, and the names and
 * titles the street keeps in site settings.
 */
export function detectOfficialNames(unit: TextUnit, extra?: readonly OfficialName[] | null): Finding[] {
  const out: Finding[] = []
  officialNamesDictionary(extra).scan(unit.text, ({ start, end, entry }) => {
    out.push(
      finding(unit, start, end, {
        kind: 'official-name',
        severity: 'serious',
        message: 'check.msg.officialName',
        vars: { correct: entry.data.correct },
        fix: { kind: 'replace', text: entry.data.correct },
      }),
    )
  })
  return out
}
