import type { TextUnit } from '../../src/checks/extract'

/** A plain field's text as one unit, for detector tests. */
export function unitOf(text: string, path = 'summary'): TextUnit {
  return { path, text, segments: text ? [{ start: 0, end: text.length, source: 'field' }] : [], richText: false, links: [], images: [] }
}
