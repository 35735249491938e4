import type { CheckSettings, SourceKind } from './types'

/**
 * The reader-visible text of a content document as Payload stores it, one
 * unit per field, with a map from every character back to where it is stored:
 * a plain field, or a Lexical text node (by its path of child indices), a
 * link's URL or an image's alt text. Detectors see plain strings; findings are
 * shown and masked in place through the map.
 *
 * src/hooks/textOf.ts flattens the same documents for the sensitive-word gate
 * but keeps no offsets, and this folder may not import hooks/: the field lists
 * below mirror the collections' reader text fields, and
 * test/checks/extract.test.ts fails if the two ever disagree.
 */

/** A stretch of the unit's text and the stored string it came from. */
export type Segment = {
  start: number
  end: number
  source: SourceKind
  /** Lexical path (child indices from the root); absent for a plain field. */
  node?: number[]
}

export type LinkRef = {
  url: string
  /** The link's visible text (empty for a bare URL or a URL field). */
  text: string
  /** Field path, as in findings. */
  path: string
  node?: number[]
  /** `link`/`autolink`: a Lexical link node; `text`: a URL written in the text; `field`: a URL field. */
  from: 'link' | 'autolink' | 'text' | 'field'
  /** Same origin as the public URL, site-relative, or a link to a document of this site. */
  internal: boolean
  scheme: 'http' | 'https' | 'relative' | 'mailto' | 'tel' | 'other'
  /** A Lexical internal link's target (`fields.doc`), to be resolved against the database later. */
  doc?: { relationTo: string; value: unknown }
}

export type ImageRef = {
  path: string
  node?: number[]
  /** Where the image sits in the unit's text. */
  offset: number
  id?: string | number
  /** The alt text; null when the image has none, undefined when it could not be known (id only, no resolver). */
  alt: string | null | undefined
}

export type TextUnit = {
  path: string
  text: string
  segments: Segment[]
  richText: boolean
  links: LinkRef[]
  images: ImageRef[]
}

/** How the reader text of a collection is laid out (the reader text fields of src/collections/*.ts). */
type FieldSpec =
  | { name: string; type: 'text' | 'richText' | 'upload' }
  | { name: string; type: 'array'; fields: FieldSpec[] }

const text = (name: string): FieldSpec => ({ name, type: 'text' })
const rich = (name: string): FieldSpec => ({ name, type: 'richText' })

export const READER_FIELDS: Record<string, FieldSpec[]> = {
  issues: [
    text('title'),
    { name: 'cover', type: 'upload' },
    text('summary'),
    { name: 'articles', type: 'array', fields: [text('title'), text('author'), text('summary'), rich('body')] },
  ],
  events: [text('title'), text('summary'), text('location'), text('organiser'), text('signup'), rich('body')],
  policies: [
    text('title'),
    text('issuingBody'),
    text('documentNumber'),
    text('summary'),
    rich('body'),
    { name: 'qa', type: 'array', fields: [text('question'), text('answer')] },
    text('sourceUrl'),
  ],
  announcements: [text('title'), text('summary'), rich('body')],
}

/** Keys that are never reader text, for documents of an unknown collection. */
const SKIP_KEYS = new Set(['id', '_status', 'review', 'createdAt', 'updatedAt', 'publishedAt', 'withdrawnAt', 'blockType', 'blockName'])

type LexNode = Record<string, unknown> & { type?: unknown; children?: unknown }

const MAX_DEPTH = 40
const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v)
const isRichText = (v: unknown): v is { root: LexNode } => isObject(v) && isObject(v.root)
const childrenOf = (node: LexNode): LexNode[] => (Array.isArray(node.children) ? node.children : []) as LexNode[]

const INLINE = new Set(['text', 'linebreak', 'tab', 'link', 'autolink'])

const URL_IN_TEXT = /https?:\/\/[^\s，。、；：？！“”‘’（）《》【】<>"'\]]+/gi

export function classifyUrl(url: string, publicUrl?: string | null): Pick<LinkRef, 'internal' | 'scheme'> {
  const u = url.trim()
  if (/^mailto:/i.test(u)) return { internal: false, scheme: 'mailto' }
  if (/^tel:/i.test(u)) return { internal: false, scheme: 'tel' }
  if (/^https?:\/\//i.test(u)) {
    const scheme = /^https:/i.test(u) ? 'https' : 'http'
    let internal = false
    if (publicUrl) {
      try {
        internal = new URL(u).origin === new URL(publicUrl).origin
      } catch {
        internal = false
      }
    }
    return { internal, scheme }
  }
  if (u.startsWith('//')) return { internal: false, scheme: 'other' }
  // Site-relative (/issues/3), a fragment or a relative path: this site.
  if (!/^[a-z][a-z0-9+.-]*:/i.test(u)) return { internal: true, scheme: 'relative' }
  return { internal: false, scheme: 'other' }
}

/** Builds one unit: appends text, records which stored string each stretch came from. */
class UnitBuilder {
  text = ''
  segments: Segment[] = []
  links: LinkRef[] = []
  images: ImageRef[] = []
  /** URLs and alt texts go after the body text, each on its own line, so they never run into a sentence. */
  private tail: { value: string; source: SourceKind; node?: number[] }[] = []

  constructor(
    readonly path: string,
    private readonly settings: CheckSettings,
  ) {}

  /** A separator waits until more text follows, so empty blocks leave no blank lines. */
  private pending = ''

  append(value: string, source: SourceKind, node?: number[]) {
    if (!value) return
    this.text += this.pending
    this.pending = ''
    this.segments.push({ start: this.text.length, end: this.text.length + value.length, source, node })
    this.text += value
  }

  /** Between blocks (a line) or table cells (a tab); the first one asked for wins. */
  separate(sep: '\n' | '\t') {
    if (this.text && !this.pending) this.pending = sep
  }

  walk(node: LexNode, path: number[], inRow: boolean, depth: number) {
    if (depth > MAX_DEPTH || !isObject(node)) return
    const type = node.type
    if (type === 'text' || (typeof node.text === 'string' && !Array.isArray(node.children))) {
      if (typeof node.text === 'string') this.append(node.text, 'text', path)
      return
    }
    if (type === 'linebreak' || type === 'tab') {
      this.separate(type === 'tab' ? '\t' : '\n')
      return
    }
    if (type === 'upload') {
      this.image(node, path)
      return
    }
    const isLink = type === 'link' || type === 'autolink'
    const block = !INLINE.has(String(type)) && type !== 'root'
    if (block) this.separate(inRow ? '\t' : '\n')
    // Where this node's own text will start (after a separator still pending).
    const start = this.text.length + this.pending.length
    const kids = childrenOf(node)
    for (let i = 0; i < kids.length; i++) this.walk(kids[i], [...path, i], type === 'tablerow', depth + 1)
    if (isLink) this.link(node, path, this.text.slice(start))
  }

  private link(node: LexNode, path: number[], label: string) {
    const fields = isObject(node.fields) ? node.fields : {}
    const from = node.type === 'autolink' ? 'autolink' : 'link'
    const doc = isObject(fields.doc) && typeof fields.doc.relationTo === 'string' ? fields.doc : null
    if (fields.linkType === 'internal' && doc) {
      this.links.push({
        url: '',
        text: label,
        path: this.path,
        node: path,
        from,
        internal: true,
        scheme: 'relative',
        doc: { relationTo: doc.relationTo as string, value: doc.value },
      })
      return
    }
    const url = typeof fields.url === 'string' ? fields.url : typeof node.url === 'string' ? node.url : ''
    if (!url) return
    this.links.push({ url, text: label, path: this.path, node: path, from, ...classifyUrl(url, this.settings.publicUrl) })
    this.tail.push({ value: url, source: 'url', node: path })
  }

  private image(node: LexNode, path: number[]) {
    if (node.relationTo !== undefined && node.relationTo !== 'media') return
    const value = node.value
    const { id, alt } = resolveMedia(value, this.settings)
    this.images.push({ path: this.path, node: path, offset: this.text.length, id, alt })
    if (alt) this.tail.push({ value: alt, source: 'alt', node: path })
  }

  /** URLs written as text (not inside a link node) are links too. */
  private bareUrls() {
    const inLink = (node?: number[]) =>
      node !== undefined && this.links.some((l) => l.node && l.node.length <= node.length && l.node.every((v, i) => node[i] === v))
    for (const m of this.text.matchAll(URL_IN_TEXT)) {
      const at = m.index ?? 0
      const seg = this.segments.find((s) => s.start <= at && at < s.end)
      // A link's own text that spells its URL is listed once, as the link.
      if (!seg || seg.source === 'url' || seg.source === 'alt' || inLink(seg.node)) continue
      // A sentence's own full stop or comma after the URL is not part of it.
      const url = m[0].replace(/[.,;:!?)]+$/, '')
      const from = seg.source === 'field' && url.length === this.text.length ? 'field' : 'text'
      this.links.push({ url, text: '', path: this.path, node: seg.node, from, ...classifyUrl(url, this.settings.publicUrl) })
    }
  }

  finish(richText: boolean): TextUnit {
    this.bareUrls()
    for (const t of this.tail) {
      this.separate('\n')
      this.append(t.value, t.source, t.node)
    }
    return { path: this.path, text: this.text, segments: this.segments, richText, links: this.links, images: this.images }
  }
}

function resolveMedia(value: unknown, settings: CheckSettings): { id?: string | number; alt: string | null | undefined } {
  let media: unknown = value
  const id = typeof value === 'string' || typeof value === 'number' ? value : isObject(value) ? (value.id as string | number | undefined) : undefined
  if (!isObject(media) && id !== undefined) media = settings.media?.(id) ?? undefined
  if (!isObject(media)) return { id, alt: undefined }
  const alt = typeof media.alt === 'string' ? media.alt.trim() : ''
  return { id, alt: alt || null }
}

function richTextUnit(value: { root: LexNode }, path: string, settings: CheckSettings): TextUnit {
  const b = new UnitBuilder(path, settings)
  b.walk(value.root, [], false, 0)
  return b.finish(true)
}

function plainUnit(value: string, path: string, settings: CheckSettings): TextUnit {
  const b = new UnitBuilder(path, settings)
  b.append(value, 'field')
  return b.finish(false)
}

function uploadUnit(value: unknown, path: string, settings: CheckSettings): TextUnit | null {
  if (value === null || value === undefined || value === '') return null
  const { id, alt } = resolveMedia(value, settings)
  const b = new UnitBuilder(path, settings)
  // An upload field's alt text is on the media document: shown, never patched here.
  if (alt) b.append(alt, 'alt')
  const unit = b.finish(false)
  unit.images.push({ path, offset: 0, id, alt })
  return unit
}

const join = (base: string, key: string | number) => (base ? `${base}.${key}` : String(key))

function bySpec(data: Record<string, unknown>, specs: FieldSpec[], base: string, settings: CheckSettings, out: TextUnit[]) {
  for (const spec of specs) {
    const value = data[spec.name]
    const path = join(base, spec.name)
    if (spec.type === 'array') {
      if (Array.isArray(value)) value.forEach((row, i) => isObject(row) && bySpec(row, spec.fields, join(path, i), settings, out))
    } else if (spec.type === 'upload') {
      const unit = uploadUnit(value, path, settings)
      if (unit) out.push(unit)
    } else if (isRichText(value)) {
      out.push(richTextUnit(value, path, settings))
    } else if (typeof value === 'string' && value) {
      out.push(plainUnit(value, path, settings))
    }
  }
}

/** A document of no known collection: every string and rich-text value but ids, states and dates. */
function everything(value: unknown, path: string, settings: CheckSettings, out: TextUnit[]) {
  if (typeof value === 'string') {
    if (value) out.push(plainUnit(value, path, settings))
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => everything(v, join(path, i), settings, out))
  } else if (isRichText(value)) {
    out.push(richTextUnit(value, path, settings))
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) if (!SKIP_KEYS.has(k)) everything(v, join(path, k), settings, out)
  }
}

/** The reader text of a document, one unit per field, in the order the editor sees the fields. */
export function extractUnits(doc: unknown, collection?: string, settings: CheckSettings = {}): TextUnit[] {
  const out: TextUnit[] = []
  if (!isObject(doc)) return out
  const specs = collection ? READER_FIELDS[collection] : undefined
  if (specs) bySpec(doc, specs, '', settings, out)
  else everything(doc, '', settings, out)
  return out
}

/** Every link of a document (Lexical links, URLs in text, URL fields) with its field path. */
export function extractLinks(doc: unknown, options: { collection?: string; settings?: CheckSettings } = {}): LinkRef[] {
  return extractUnits(doc, options.collection, options.settings).flatMap((u) => u.links)
}

/** Every image of a document (upload nodes and upload fields) with its alt text where known. */
export function extractImages(doc: unknown, options: { collection?: string; settings?: CheckSettings } = {}): ImageRef[] {
  return extractUnits(doc, options.collection, options.settings).flatMap((u) => u.images)
}
