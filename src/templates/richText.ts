import { BlockquoteHTMLConverter, convertLexicalToHTML, type HTMLConverter, type HTMLConverters } from '@payloadcms/richtext-lexical/html'

import { esc, imgTag, isMediaDoc, type MediaDoc, safeHref } from './html'
import { childrenOf, lexicalRoot, type LexicalNode, MAX_DEPTH } from './lexical'

export type { LexicalNode } from './lexical'

/**
 * Lexical JSON (as Payload stores it) to HTML, through Payload's converters
 * (@payloadcms/richtext-lexical/html) with our overrides for the node types
 * our editor produces. Every text and attribute is escaped; links pass the URL
 * allow-list or become plain text; a node type we do not know contributes
 * only its text. Nothing from the content can add an element or attribute we
 * did not write here. A new editor feature gets its converter here, once: the
 * site, e-mail and WeChat all render through renderRichText, and plain text
 * comes from the one plain-text converter (./plainText.ts).
 */

export type RichTextOptions = {
  /** Media for upload nodes whose value is only an id (not populated). */
  media?: (id: string | number) => MediaDoc | undefined
  /** Site path of an internal link's target document, or null when it has none. */
  docHref?: (relationTo: string, value: unknown) => string | null
  /** Prefix for media paths: '' on pages, the public URL where HTML leaves the site. */
  base?: string
  /** Image size to prefer for uploads. */
  imageSize?: string
  /** Level of the highest heading content may use (the page's own headings sit above it). */
  minHeading?: number
}

// Lexical's text format bit flags.
const FORMATS: [number, string][] = [
  [1, 'strong'],
  [2, 'em'],
  [4, 's'],
  [8, 'u'],
  [16, 'code'],
  [32, 'sub'],
  [64, 'sup'],
  [128, 'mark'],
]
const ALIGN = new Set(['left', 'center', 'right', 'justify', 'start', 'end'])

/** The text of a node and its descendants, escaped, with no markup. */
function textOnly(node: LexicalNode, depth = 0): string {
  if (depth > MAX_DEPTH) return ''
  if (node.type === 'text' && typeof node.text === 'string') return esc(node.text)
  if (node.type === 'linebreak') return '<br>'
  return childrenOf(node)
    .map((c) => textOnly(c, depth + 1))
    .join('')
}

function blockClass(node: LexicalNode): string {
  const classes: string[] = []
  if (typeof node.format === 'string' && ALIGN.has(node.format)) classes.push(`align-${node.format}`)
  const indent = typeof node.indent === 'number' ? Math.min(Math.max(Math.floor(node.indent), 0), 6) : 0
  if (indent) classes.push(`indent-${indent}`)
  return classes.length ? ` class="${classes.join(' ')}"` : ''
}

function renderText(node: LexicalNode): string {
  let html = esc(typeof node.text === 'string' ? node.text : '')
  const format = typeof node.format === 'number' ? node.format : 0
  for (const [bit, tag] of FORMATS) if (format & bit) html = `<${tag}>${html}</${tag}>`
  return html
}

/** A converter of ours: the node as stored (nothing about it trusted), and Payload's walk for its children. */
type Converter = HTMLConverter<LexicalNode & { type?: string }>
type Walk = Parameters<Exclude<Converter, string>>[0]['nodesToHTML']

const inner = (node: LexicalNode, nodesToHTML: Walk) => nodesToHTML({ nodes: childrenOf(node) as never[] }).join('')

function renderLink(node: LexicalNode, opts: RichTextOptions, nodesToHTML: Walk): string {
  const fields = (node.fields && typeof node.fields === 'object' ? node.fields : {}) as {
    linkType?: unknown
    url?: unknown
    newTab?: unknown
    doc?: { relationTo?: unknown; value?: unknown } | null
  }
  let href: string | null = null
  if (fields.linkType === 'internal' && fields.doc && typeof fields.doc.relationTo === 'string') {
    href = opts.docHref?.(fields.doc.relationTo, fields.doc.value) ?? null
  } else {
    href = safeHref(fields.url ?? node.url)
  }
  const text = inner(node, nodesToHTML)
  if (!href) return text
  const external = /^https?:/i.test(href)
  const target = fields.newTab === true ? ' target="_blank"' : ''
  const rel = external || target ? ' rel="noopener noreferrer"' : ''
  return `<a href="${esc(href)}"${target}${rel}>${text}</a>`
}

function renderUpload(node: LexicalNode, opts: RichTextOptions): string {
  if (node.relationTo !== 'media') return ''
  let media: unknown = node.value
  if (!isMediaDoc(media) && (typeof media === 'string' || typeof media === 'number')) media = opts.media?.(media)
  if (!isMediaDoc(media)) return ''
  const img = imgTag(media, { size: opts.imageSize ?? 'page', base: opts.base })
  if (!img) return ''
  const caption = media.alt ? `<figcaption>${esc(media.alt)}</figcaption>` : ''
  return `<figure>${img}${caption}</figure>`
}

function span(value: unknown, name: string): string {
  const n = typeof value === 'number' ? Math.floor(value) : 0
  return n > 1 && n <= 100 ? ` ${name}="${n}"` : ''
}

function renderTable(node: LexicalNode, nodesToHTML: Walk): string {
  const rows = childrenOf(node)
    .filter((r) => r.type === 'tablerow')
    .map((row) => {
      const cells = childrenOf(row)
        .filter((c) => c.type === 'tablecell')
        .map((cell) => {
          const tag = typeof cell.headerState === 'number' && cell.headerState > 0 ? 'th' : 'td'
          return `<${tag}${span(cell.colSpan, 'colspan')}${span(cell.rowSpan, 'rowspan')}>${inner(cell, nodesToHTML)}</${tag}>`
        })
      return `<tr>${cells.join('')}</tr>`
    })
  return `<div class="table-wrap" tabindex="0"><table>${rows.join('')}</table></div>`
}

function renderList(node: LexicalNode, nodesToHTML: Walk): string {
  const ordered = node.listType === 'number' || node.tag === 'ol'
  const tag = ordered ? 'ol' : 'ul'
  const start = ordered && typeof node.start === 'number' && node.start > 1 ? ` start="${Math.floor(node.start)}"` : ''
  const cls = node.listType === 'check' ? ' class="checklist"' : ''
  const items = childrenOf(node).map((item) => {
    const kids = childrenOf(item)
    // Lexical nests a list as a list item whose only child is the list.
    const nested = kids.length > 0 && kids.every((k) => k.type === 'list')
    const checked = node.listType === 'check' ? (item.checked === true ? ' data-checked="true"' : ' data-checked="false"') : ''
    return `<li${nested ? ' class="nested"' : ''}${checked}>${inner(item, nodesToHTML)}</li>`
  })
  return `<${tag}${start}${cls}>${items.join('')}</${tag}>`
}

/**
 * Our overrides of Payload's HTML converters, one per node type the editor
 * (src/fields/richText.ts) produces: headings shifted below the page's own,
 * uploads as our media images, links through the URL allow-list, bare tags
 * with our classes (no style attributes: e-mail adds its own inline styles).
 * Payload's own converter is kept where its output is ours (quote). A node
 * type without a converter here gives only its text (`unknown`).
 */
function converters(opts: RichTextOptions): Record<string, Converter> {
  return {
    ...(BlockquoteHTMLConverter as Record<string, Converter>),
    root: ({ node, nodesToHTML }) => inner(node, nodesToHTML),
    text: ({ node }) => renderText(node),
    linebreak: '<br>',
    tab: ' ',
    paragraph: ({ node, nodesToHTML }) => `<p${blockClass(node)}>${inner(node, nodesToHTML)}</p>`,
    heading: ({ node, nodesToHTML }) => {
      // The page's own title and section headings sit above the content's.
      const min = Math.min(Math.max(opts.minHeading ?? 2, 2), 6)
      const level = Math.min(6, Math.max(min, typeof node.tag === 'string' && /^h[1-6]$/.test(node.tag) ? Number(node.tag[1]) : min))
      return `<h${level}${blockClass(node)}>${inner(node, nodesToHTML)}</h${level}>`
    },
    list: ({ node, nodesToHTML }) => renderList(node, nodesToHTML),
    listitem: ({ node, nodesToHTML }) => `<li>${inner(node, nodesToHTML)}</li>`,
    link: ({ node, nodesToHTML }) => renderLink(node, opts, nodesToHTML),
    autolink: ({ node, nodesToHTML }) => renderLink(node, opts, nodesToHTML),
    upload: ({ node }) => renderUpload(node, opts),
    table: ({ node, nodesToHTML }) => renderTable(node, nodesToHTML),
    horizontalrule: '<hr>',
    unknown: ({ node }) => textOnly(node),
  }
}

/** HTML of a Lexical value ({ root }) through Payload's converters with ours; anything else renders as nothing. */
export function renderRichText(value: unknown, opts: RichTextOptions = {}): string {
  const root = lexicalRoot(value)
  if (!root) return ''
  return convertLexicalToHTML({
    // The stored root goes through our `root` converter, so a body that is one
    // empty paragraph renders as it always has (Payload's own emptiness check
    // looks only at the outer root).
    data: { root: { type: 'root', children: [root] } } as never,
    converters: converters(opts) as HTMLConverters,
    disableContainer: true,
    // Alignment and indent become our classes (blockClass), never style attributes.
    disableIndent: true,
    disableTextAlign: true,
  })
}

/** Ids of upload nodes that carry only an id (so the caller can load them in one query). */
export function unpopulatedMediaIds(value: unknown): (string | number)[] {
  const ids: (string | number)[] = []
  const walk = (node: LexicalNode, depth: number) => {
    if (depth > MAX_DEPTH) return
    if (node.type === 'upload' && node.relationTo === 'media' && (typeof node.value === 'string' || typeof node.value === 'number')) {
      ids.push(node.value)
    }
    for (const c of childrenOf(node)) walk(c, depth + 1)
  }
  const root = (value as { root?: unknown } | null | undefined)?.root
  if (root && typeof root === 'object') walk(root as LexicalNode, 0)
  return ids
}

/**
 * Rendered rich text, converted once per content version: the key names the
 * content and its updatedAt, so an edit makes a new key and old ones age out.
 */
const RENDERED_MAX = 2000
const rendered = new Map<string, string>()

export function renderRichTextCached(key: string, value: unknown, opts: RichTextOptions = {}): string {
  const hit = rendered.get(key)
  if (hit !== undefined) return hit
  const html = renderRichText(value, opts)
  if (rendered.size >= RENDERED_MAX) rendered.delete(rendered.keys().next().value as string)
  rendered.set(key, html)
  return html
}

/** For tests: how many renderings are held. */
export const renderedCacheSize = () => rendered.size
