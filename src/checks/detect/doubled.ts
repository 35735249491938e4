import { ALLOWED_DOUBLES, EMPHATIC_PUNCT, NO_DOUBLE_PUNCT, SUSPECT_DOUBLES } from '../lists/doubled'
import type { TextUnit } from '../extract'
import { finding, touchesSource } from '../findings'
import type { Finding } from '../types'

const SUSPECT = new Set(SUSPECT_DOUBLES)
const PUNCT = new Set(NO_DOUBLE_PUNCT)
const EMPHATIC = new Set(EMPHATIC_PUNCT)

/** Allowed strings by the suspect character they double, with where the double starts inside them. */
const ALLOWED = new Map<string, { text: string; at: number }[]>()
for (const text of ALLOWED_DOUBLES) {
  for (let i = 0; i + 1 < text.length; i++) {
    if (text[i] !== text[i + 1] || !SUSPECT.has(text[i])) continue
    const list = ALLOWED.get(text[i]) ?? []
    list.push({ text, at: i })
    ALLOWED.set(text[i], list)
  }
}

function allowed(text: string, i: number): boolean {
  return (ALLOWED.get(text[i]) ?? []).some((a) => i - a.at >= 0 && text.startsWith(a.text, i - a.at))
}

/** 的的, 了了 (where no two words meet there): 提示, fix: one of them. */
export function detectDoubledChars(unit: TextUnit): Finding[] {
  const out: Finding[] = []
  const text = unit.text
  for (let i = 0; i + 1 < text.length; i++) {
    const c = text[i]
    if (c !== text[i + 1] || !SUSPECT.has(c)) continue
    // A run of three or more is one finding.
    let end = i + 2
    while (end < text.length && text[end] === c) end++
    if (end - i === 2 && allowed(text, i)) {
      i = end - 1
      continue
    }
    if (!touchesSource(unit, i, end, ['url'])) {
      out.push(finding(unit, i, end, { kind: 'doubled-char', severity: 'warning', message: 'check.msg.doubledChar', fix: { kind: 'replace', text: c } }))
    }
    i = end - 1
  }
  return out
}

/** ，，  。。  ，。  ！！: 提示; fix: the one mark (three or more 。 become the ellipsis ……). */
export function detectDoubledPunctuation(unit: TextUnit): Finding[] {
  const out: Finding[] = []
  const text = unit.text
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    let end = i + 1
    if (PUNCT.has(c)) {
      while (end < text.length && PUNCT.has(text[end])) end++
    } else if (EMPHATIC.has(c)) {
      while (end < text.length && text[end] === c) end++
    } else {
      continue
    }
    if (end - i < 2) continue
    const run = text.slice(i, end)
    const same = [...run].every((x) => x === c)
    let fix: string | undefined
    if (same) fix = c === '。' && run.length >= 3 ? '……' : c
    if (!touchesSource(unit, i, end, ['url'])) {
      out.push(
        finding(unit, i, end, {
          kind: 'doubled-punct',
          severity: 'warning',
          message: 'check.msg.doubledPunct',
          ...(fix ? { fix: { kind: 'replace' as const, text: fix } } : {}),
        }),
      )
    }
    i = end - 1
  }
  return out
}
