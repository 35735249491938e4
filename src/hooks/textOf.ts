import { plainTextOfRichText } from '../templates/plainText'

/**
 * Collect the human-readable text of a document (plain fields, array rows and
 * Lexical rich text) with the path it came from, for the sensitive-word check.
 */
export type TextPiece = { path: string; text: string }

const SKIP_KEYS = new Set(['id', '_status', 'review', 'createdAt', 'updatedAt', 'publishedAt', 'withdrawnAt'])

export function textPieces(value: unknown, path = ''): TextPiece[] {
  if (typeof value === 'string') return value ? [{ path, text: value }] : []
  if (Array.isArray(value)) return value.flatMap((v, i) => textPieces(v, path ? `${path}.${i}` : String(i)))
  if (!value || typeof value !== 'object') return []
  const root = (value as { root?: unknown }).root
  if (root && typeof root === 'object') {
    // Rich text: its text and its links' addresses, through the one plain-text converter.
    const text = plainTextOfRichText(value, { linkUrls: true })
    return text ? [{ path, text }] : []
  }
  return Object.entries(value).flatMap(([k, v]) => (SKIP_KEYS.has(k) ? [] : textPieces(v, path ? `${path}.${k}` : k)))
}

/** The parts of a field config the walk below needs (Payload's Field, narrowed). */
type FieldLike = {
  type: string
  name?: string
  fields?: FieldLike[]
  tabs?: { name?: string; fields: FieldLike[] }[]
  blocks?: { slug: string; fields: FieldLike[] }[]
}

const READER_TEXT = new Set(['text', 'textarea', 'richText', 'email'])
/** Staff-only parts of a content: the review note, the checks override's reason and the numbers marked public contacts are not published. */
const STAFF_ONLY = new Set(['review', 'checksOverride', 'publicContacts'])

/**
 * The text a reader sees, walked by the collection's fields: text, textarea
 * and rich text, inside arrays, groups, rows, tabs and blocks. Ids (strings on
 * MongoDB), dates, selects and relationships are not text.
 */
export function readerTextPieces(doc: unknown, fields: FieldLike[], path = ''): TextPiece[] {
  if (!doc || typeof doc !== 'object') return []
  const data = doc as Record<string, unknown>
  const at = (name: string) => (path ? `${path}.${name}` : name)
  return fields.flatMap((field): TextPiece[] => {
    if (!field.name) {
      // Layout only (row, collapsible, unnamed tabs): its fields sit at this level.
      const tabs = (field.tabs ?? []).flatMap((tab) =>
        tab.name ? readerTextPieces(data[tab.name], tab.fields, at(tab.name)) : readerTextPieces(data, tab.fields, path),
      )
      return [...tabs, ...readerTextPieces(data, field.fields ?? [], path)]
    }
    if (STAFF_ONLY.has(field.name)) return []
    const value = data[field.name]
    if (READER_TEXT.has(field.type)) return textPieces(value, at(field.name))
    if (field.type === 'group') return readerTextPieces(value, field.fields ?? [], at(field.name))
    if (!Array.isArray(value)) return []
    if (field.type === 'array') return value.flatMap((row, i) => readerTextPieces(row, field.fields ?? [], at(`${field.name}.${i}`)))
    if (field.type === 'blocks')
      return value.flatMap((row, i) => {
        const block = field.blocks?.find((b) => b.slug === (row as { blockType?: string })?.blockType)
        return block ? readerTextPieces(row, block.fields, at(`${field.name}.${i}`)) : []
      })
    return []
  })
}
