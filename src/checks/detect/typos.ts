import { TYPO_PAIRS } from '../lists/typos'
import { Dictionary } from '../dictionary'
import type { TextUnit } from '../extract'
import { finding, touchesSource } from '../findings'
import type { Finding } from '../types'

export const TYPOS = new Dictionary(
  TYPO_PAIRS.map(([wrong, correct, source, except]) => ({ word: wrong, data: { correct, source }, except: [correct, ...(except ?? [])] })),
)

/** Commonly miswritten words (错别字, 提示), each matched as a whole word; not in URLs. */
export function detectTypos(unit: TextUnit): Finding[] {
  const out: Finding[] = []
  TYPOS.scan(unit.text, ({ start, end, entry }) => {
    if (touchesSource(unit, start, end, ['url'])) return
    out.push(
      finding(unit, start, end, {
        kind: 'typo',
        severity: 'warning',
        message: 'check.msg.typo',
        vars: { correct: entry.data.correct },
        fix: { kind: 'replace', text: entry.data.correct },
      }),
    )
  })
  return out
}
