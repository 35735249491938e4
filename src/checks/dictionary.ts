/**
 * Whole-word lookup of many words in one pass: entries are grouped in a Map by
 * their first character, longest first, so each position of the text costs one
 * Map lookup and, only where a listed word could start, a few startsWith
 * comparisons. Hundreds of words cost about what one does; one RegExp per word
 * would scan the text once per word (see test/bench/checks.ts for both).
 */
export type DictEntry<T> = {
  word: string
  data: T
  /**
   * Valid longer strings that contain the word (按装修 for 按装, 为了了解 for
   * 了了): where the text has one of them around the match, it is no match.
   */
  except?: readonly string[]
}

type Compiled<T> = DictEntry<T> & { exceptAt: { text: string; at: number }[] }

export type DictMatch<T> = { start: number; end: number; entry: DictEntry<T> }

export class Dictionary<T> {
  private readonly byFirst = new Map<string, Compiled<T>[]>()
  readonly size: number

  constructor(entries: Iterable<DictEntry<T>>) {
    let size = 0
    for (const e of entries) {
      if (!e.word) continue
      const exceptAt: Compiled<T>['exceptAt'] = []
      for (const text of e.except ?? []) {
        // Every place the word occurs inside the exception.
        for (let at = text.indexOf(e.word); at !== -1; at = text.indexOf(e.word, at + 1)) exceptAt.push({ text, at })
      }
      const list = this.byFirst.get(e.word[0]) ?? []
      list.push({ ...e, exceptAt })
      this.byFirst.set(e.word[0], list)
      size++
    }
    for (const list of this.byFirst.values()) list.sort((a, b) => b.word.length - a.word.length)
    this.size = size
  }

  /** Leftmost-longest, non-overlapping matches, in order. */
  scan(text: string, onMatch: (m: DictMatch<T>) => void): void {
    const n = text.length
    for (let i = 0; i < n; ) {
      const list = this.byFirst.get(text[i])
      let hit: Compiled<T> | undefined
      if (list) {
        for (const e of list) {
          if (!text.startsWith(e.word, i)) continue
          if (e.exceptAt.some((x) => i - x.at >= 0 && text.startsWith(x.text, i - x.at))) continue
          hit = e
          break
        }
      }
      if (hit) {
        onMatch({ start: i, end: i + hit.word.length, entry: hit })
        i += hit.word.length
      } else {
        i++
      }
    }
  }

  matches(text: string): DictMatch<T>[] {
    const out: DictMatch<T>[] = []
    this.scan(text, (m) => out.push(m))
    return out
  }
}
