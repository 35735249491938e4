/** Lexical JSON as Payload stores it, read defensively: nothing about a stored node is trusted. */

export type LexicalNode = {
  type?: unknown
  text?: unknown
  format?: unknown
  tag?: unknown
  listType?: unknown
  start?: unknown
  children?: unknown
  fields?: unknown
  relationTo?: unknown
  value?: unknown
  headerState?: unknown
  colSpan?: unknown
  rowSpan?: unknown
  indent?: unknown
  [key: string]: unknown
}

/** How deep a tree is read: deeper nodes are dropped (no input can exhaust the stack). */
export const MAX_DEPTH = 40

/** A node's children that are objects (anything else is dropped). */
export const childrenOf = (node: LexicalNode): LexicalNode[] =>
  Array.isArray(node.children) ? (node.children.filter((c) => c && typeof c === 'object') as LexicalNode[]) : []

/**
 * The stored value as a tree our converters may read: a root object, only
 * object children, nothing deeper than MAX_DEPTH (so no input can exhaust the
 * stack). null when the value is not Lexical JSON.
 */
export function lexicalRoot(value: unknown): LexicalNode | null {
  const root = (value as { root?: unknown } | null | undefined)?.root
  if (!root || typeof root !== 'object') return null
  const prune = (node: LexicalNode, depth: number): LexicalNode => ({
    ...node,
    children: depth >= MAX_DEPTH ? [] : childrenOf(node).map((c) => prune(c, depth + 1)),
  })
  return prune(root as LexicalNode, 0)
}
