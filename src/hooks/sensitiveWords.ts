import { readerTextPieces, textPieces } from './textOf'

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

/**
 * Every occurrence of every listed word in the document, with a few characters
 * either side. Given the collection's fields, only the text readers see is
 * searched (see readerTextPieces); without them, every string.
 */
export function findSensitiveWords(
  doc: unknown,
  words: string[],
  fields?: Parameters<typeof readerTextPieces>[1],
): SensitiveHit[] {
  if (!words.length) return []
  const hits: SensitiveHit[] = []
  for (const { path, text } of fields ? readerTextPieces(doc, fields) : textPieces(doc)) {
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
