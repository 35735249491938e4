/**
 * Collect the human-readable text of a document (plain fields, array rows and
 * Lexical rich text) with the path it came from, for the sensitive-word check.
 */
export type TextPiece = { path: string; text: string }

const SKIP_KEYS = new Set(['id', '_status', 'review', 'createdAt', 'updatedAt', 'publishedAt', 'withdrawnAt'])

type LexicalNode = { text?: unknown; children?: LexicalNode[]; fields?: { url?: unknown } }

function lexicalText(node: LexicalNode, out: string[]) {
  if (typeof node.text === 'string') out.push(node.text)
  if (typeof node.fields?.url === 'string') out.push(node.fields.url)
  for (const child of node.children ?? []) lexicalText(child, out)
}

export function textPieces(value: unknown, path = ''): TextPiece[] {
  if (typeof value === 'string') return value ? [{ path, text: value }] : []
  if (Array.isArray(value)) return value.flatMap((v, i) => textPieces(v, path ? `${path}.${i}` : String(i)))
  if (!value || typeof value !== 'object') return []
  const root = (value as { root?: LexicalNode }).root
  if (root && typeof root === 'object') {
    const out: string[] = []
    lexicalText(root, out)
    return out.length ? [{ path, text: out.join('\n') }] : []
  }
  return Object.entries(value).flatMap(([k, v]) => (SKIP_KEYS.has(k) ? [] : textPieces(v, path ? `${path}.${k}` : k)))
}

/** Plain text of a Lexical value (for summaries, feeds, share cards). */
export function plainTextOfRichText(value: unknown): string {
  const root = (value as { root?: LexicalNode } | null)?.root
  if (!root) return ''
  const out: string[] = []
  lexicalText(root, out)
  return out.join(' ').replace(/\s+/g, ' ').trim()
}
