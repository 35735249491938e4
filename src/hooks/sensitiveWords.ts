import { textPieces } from './textOf'

export type SensitiveHit = { word: string; path: string; context: string }

/** Parse the settings' list: one word per line (commas also accepted), blanks ignored. */
export function parseWordList(list: string | null | undefined): string[] {
  return [
    ...new Set(
      (list ?? '')
        .split(/[\n,,]/)
        .map((w) => w.trim())
        .filter(Boolean),
    ),
  ]
}

const CONTEXT = 8

/** Every occurrence of every listed word in the document, with a few characters either side. */
export function findSensitiveWords(doc: unknown, words: string[]): SensitiveHit[] {
  if (!words.length) return []
  const hits: SensitiveHit[] = []
  for (const { path, text } of textPieces(doc)) {
    const lower = text.toLowerCase()
    for (const word of words) {
      const needle = word.toLowerCase()
      for (let at = lower.indexOf(needle); at !== -1; at = lower.indexOf(needle, at + needle.length)) {
        const before = text.slice(Math.max(0, at - CONTEXT), at)
        const after = text.slice(at + needle.length, at + needle.length + CONTEXT)
        const context = `${at > CONTEXT ? '…' : ''}${before}【${text.slice(at, at + needle.length)}】${after}${
          at + needle.length + CONTEXT < text.length ? '…' : ''
        }`
        hits.push({ word, path, context })
        if (hits.length >= 20) return hits
      }
    }
  }
  return hits
}
