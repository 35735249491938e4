import { readerTextPieces, textPieces } from './textOf'

export type SensitiveHit = { word: string; path: string; context: string }

/** Parse the settings' list: one word per line (commas, half- and full-width, also accepted), blanks ignored. */
export function parseWordList(list: string | null | undefined): string[] {
  return [
    ...new Set(
      (list ?? '')
        .split(/[\n,\uFF0C]/)
        .map((w) => w.trim())
        .filter(Boolean),
    ),
  ]
}

const CONTEXT = 8

/**
 * What a writer can put between the characters of a word without changing
 * what a reader sees: spaces, punctuation (half- and full-width, "办．证",
 * "办,证"), symbols such as ★ and emoji, and invisible format characters
 * (zero-width space). They are skipped on both sides when comparing. Line
 * breaks are not skipped: they separate paragraphs, not characters.
 */
const SEPARATOR = /[\p{P}\p{Zs}\p{So}\p{Cf}\t\v\f]/u

/**
 * A text folded for comparison, with where each folded character came from:
 * every character in its NFKC form (full-width letters and digits become
 * ASCII, compatibility forms their plain form), lowercased, separators left
 * out. `from[i]` is the index in the original text of folded character i,
 * so a match is reported in the text as the writer wrote it.
 */
export function fold(text: string): { folded: string; from: number[] } {
  let folded = ''
  const from: number[] = []
  let at = 0
  for (const ch of text) {
    for (const c of ch.normalize('NFKC').toLowerCase()) {
      if (SEPARATOR.test(c)) continue
      folded += c
      from.push(at)
    }
    at += ch.length
  }
  return { folded, from }
}

/**
 * Every occurrence of every listed word in the document, with a few characters
 * either side of it as written. Words are compared folded (see fold), so
 * spaces, punctuation and full-width forms between or within characters do
 * not hide a word. Given the collection's fields, only the text readers see
 * is searched (see readerTextPieces); without them, every string.
 */
export function findSensitiveWords(
  doc: unknown,
  words: string[],
  fields?: Parameters<typeof readerTextPieces>[1],
): SensitiveHit[] {
  const needles = words.map((word) => ({ word, needle: fold(word).folded })).filter((w) => w.needle)
  if (!needles.length) return []
  const hits: SensitiveHit[] = []
  for (const { path, text } of fields ? readerTextPieces(doc, fields) : textPieces(doc)) {
    const { folded, from } = fold(text)
    for (const { word, needle } of needles) {
      for (let at = folded.indexOf(needle); at !== -1; at = folded.indexOf(needle, at + needle.length)) {
        // The matched span in the original text: from its first character to the end of its last.
        const start = from[at]
        const lastFrom = from[at + needle.length - 1]
        const end = lastFrom + (text.codePointAt(lastFrom)! > 0xffff ? 2 : 1)
        const before = text.slice(Math.max(0, start - CONTEXT), start)
        const after = text.slice(end, end + CONTEXT)
        const context = `${start > CONTEXT ? '…' : ''}${before}【${text.slice(start, end)}】${after}${end + CONTEXT < text.length ? '…' : ''}`
        hits.push({ word, path, context })
        if (hits.length >= 20) return hits
      }
    }
  }
  return hits
}
