/** Small builders for Lexical rich text, for demo data and tests. */

type Node = Record<string, unknown>
/** A Lexical node as the generated types describe one: a type, a version, anything else. */
type LexicalNode = { type: string; version: number; [key: string]: unknown }

const text = (t: string, format = 0): Node => ({ type: 'text', text: t, format, detail: 0, mode: 'normal', style: '', version: 1 })
const block = (type: string, children: Node[], extra: Node = {}): Node => ({
  type,
  children,
  direction: 'ltr',
  format: '',
  indent: 0,
  version: 1,
  ...extra,
})

export const p = (...parts: (string | Node)[]) =>
  block('paragraph', parts.map((x) => (typeof x === 'string' ? text(x) : x)), { textFormat: 0, textStyle: '' })
export const h = (level: 2 | 3 | 4, t: string) => block('heading', [text(t)], { tag: `h${level}` })
export const bold = (t: string) => text(t, 1)
export const quote = (t: string) => block('quote', [text(t)])
export const link = (url: string, label: string) =>
  block('link', [text(label)], { fields: { linkType: 'custom', url, newTab: false } })
export const list = (kind: 'bullet' | 'number', items: string[]) =>
  block(
    'list',
    items.map((t, i) => block('listitem', [text(t)], { value: i + 1 })),
    { listType: kind, start: 1, tag: kind === 'bullet' ? 'ul' : 'ol' },
  )
export const image = (mediaId: string | number) => ({
  type: 'upload',
  relationTo: 'media',
  value: mediaId,
  fields: null,
  format: '',
  version: 3,
})
export const table = (rows: string[][]) =>
  ({
    type: 'table',
    children: rows.map((cells, r) => ({
      type: 'tablerow',
      children: cells.map((c) => ({
        type: 'tablecell',
        headerState: r === 0 ? 1 : 0,
        children: [p(c)],
        direction: 'ltr',
        format: '',
        indent: 0,
        version: 1,
      })),
      direction: 'ltr',
      format: '',
      indent: 0,
      version: 1,
    })),
    direction: 'ltr',
    format: '',
    indent: 0,
    version: 1,
  }) as Node

export const doc = (...children: Node[]) => ({
  // Tests build odd nodes on purpose (no version, unknown types): the builders take any node.
  root: { type: 'root', children: children as LexicalNode[], direction: 'ltr' as const, format: '' as const, indent: 0, version: 1 },
})
