/**
 * Our rendered article HTML → HTML the WeChat editor keeps as it is:
 * - inline styles only (one style per tag, for Chinese body text), no class/id;
 * - nothing active: script, style, iframe, object/embed, forms, media and every
 *   on* attribute are dropped, with their content;
 * - no links: WeChat bodies may link only to WeChat articles, so <a> becomes
 *   its text (the resident page travels as content_source_url, "阅读原文");
 * - images only from WeChat: each distinct src is handed to `upload` once and
 *   replaced by the URL it returns (uploadimg); null drops the image.
 * Unknown tags are unwrapped (their text stays). The output is built from the
 * parsed tree, never by patching the input, so nothing unlisted gets through.
 */
import { DomUtils, ElementType, parseDocument } from 'htmlparser2'

type Doc = ReturnType<typeof parseDocument>
type AnyNode = Doc['children'][number]
type Element = Extract<AnyNode, { attribs: Record<string, string> }>
type TextNode = Extract<AnyNode, { data: string }>

// Script and style elements have types of their own; both are dropped anyway.
const isElement = (n: AnyNode): n is Element => 'attribs' in n
const isText = (n: AnyNode): n is TextNode => n.type === ElementType.Text

export type ImageUploader = (src: string, alt: string) => Promise<string | null>

const BODY = 'font-size:16px;line-height:1.75;color:#333;letter-spacing:0.5px;'

/** The tags we keep, each with its inline style. */
export const WECHAT_STYLES: Record<string, string> = {
  p: `margin:0 0 1em;${BODY}text-align:justify;`,
  h1: 'margin:1.4em 0 0.6em;font-size:21px;font-weight:bold;line-height:1.4;color:#1a1a1a;',
  h2: 'margin:1.4em 0 0.6em;font-size:19px;font-weight:bold;line-height:1.4;color:#1a1a1a;',
  h3: 'margin:1.2em 0 0.5em;font-size:17px;font-weight:bold;line-height:1.4;color:#1a1a1a;',
  h4: 'margin:1em 0 0.5em;font-size:16px;font-weight:bold;line-height:1.5;color:#1a1a1a;',
  h5: 'margin:1em 0 0.5em;font-size:16px;font-weight:bold;line-height:1.5;color:#333;',
  h6: 'margin:1em 0 0.5em;font-size:15px;font-weight:bold;line-height:1.5;color:#555;',
  strong: 'font-weight:bold;',
  b: 'font-weight:bold;',
  em: 'font-style:italic;',
  i: 'font-style:italic;',
  u: 'text-decoration:underline;',
  s: 'text-decoration:line-through;',
  del: 'text-decoration:line-through;',
  sub: 'vertical-align:sub;font-size:smaller;',
  sup: 'vertical-align:super;font-size:smaller;',
  mark: 'background-color:#fff3b0;',
  small: 'font-size:14px;',
  span: '',
  code: 'font-family:Menlo,Consolas,monospace;font-size:14px;background-color:#f5f5f5;padding:0 4px;',
  pre: 'margin:0 0 1em;padding:12px;background-color:#f5f5f5;font-size:14px;line-height:1.6;white-space:pre-wrap;word-break:break-all;',
  blockquote: `margin:0 0 1em;padding:8px 12px;border-left:4px solid #c8102e;background-color:#f7f7f7;${BODY}color:#555;`,
  ul: `margin:0 0 1em;padding-left:1.5em;${BODY}`,
  ol: `margin:0 0 1em;padding-left:1.5em;${BODY}`,
  li: 'margin:0 0 0.4em;',
  hr: 'margin:1.5em 0;border:0;border-top:1px solid #ddd;',
  br: '',
  img: 'display:block;max-width:100%;height:auto;margin:0.8em auto;',
  figure: 'margin:0 0 1em;',
  figcaption: 'margin-top:0.3em;font-size:14px;color:#888;text-align:center;',
  section: '',
  table: 'width:100%;margin:0 0 1em;border-collapse:collapse;font-size:14px;',
  caption: 'padding:4px;font-size:14px;color:#888;',
  thead: '',
  tbody: '',
  tfoot: '',
  tr: '',
  th: 'padding:6px 8px;border:1px solid #ddd;background-color:#f5f5f5;font-weight:bold;',
  td: 'padding:6px 8px;border:1px solid #ddd;',
}

/** Tags we drop together with everything inside them. */
export const WECHAT_DROPPED_TAGS = new Set(
  'script style iframe frame frameset object embed applet form input button select option optgroup textarea label fieldset noscript template svg math video audio source track canvas link meta base head title dialog portal'.split(' '),
)

/** Renamed before styling: a div is a section in WeChat's editor. */
const RENAME: Record<string, string> = { div: 'section', article: 'section', main: 'section', header: 'section', footer: 'section', aside: 'section' }

const VOID = new Set(['br', 'hr', 'img'])
const ALIGN_TAGS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'th', 'td', 'section', 'figcaption'])

const escText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const escAttr = (s: string) => escText(s).replace(/"/g, '&quot;')

/** text-align from the source's inline style, when it is one of the four plain values. */
function alignOf(style: string | undefined): string {
  const m = /(?:^|;)\s*text-align\s*:\s*(left|right|center|justify)\s*(?:;|$)/i.exec(style ?? '')
  return m ? `text-align:${m[1].toLowerCase()};` : ''
}

export async function toWechatHtml(html: string, upload: ImageUploader): Promise<string> {
  const doc = parseDocument(html, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true })

  // Upload each distinct image once, in document order.
  const uploaded = new Map<string, string | null>()
  for (const img of DomUtils.findAll((el) => el.name === 'img', doc.children)) {
    const src = (img.attribs.src ?? '').trim()
    if (!src || uploaded.has(src) || insideDropped(img)) continue
    uploaded.set(src, await upload(src, img.attribs.alt ?? ''))
  }

  const out: string[] = []
  const walk = (nodes: AnyNode[]) => {
    for (const node of nodes) {
      if (isText(node)) {
        out.push(escText(node.data))
        continue
      }
      if (!isElement(node)) continue // comments, directives, CDATA
      const source = node.name
      if (WECHAT_DROPPED_TAGS.has(source)) continue
      const name = RENAME[source] ?? source
      const style = WECHAT_STYLES[name]
      if (style === undefined) {
        walk(node.children) // <a>, <html>, <body> and anything unknown: keep the text
        continue
      }
      const attrs: string[] = []
      if (name === 'img') {
        const url = uploaded.get((node.attribs.src ?? '').trim())
        if (!url) continue
        attrs.push(`src="${escAttr(url)}"`)
        if (node.attribs.alt) attrs.push(`alt="${escAttr(node.attribs.alt)}"`)
      }
      if ((name === 'td' || name === 'th') && /^\d{1,2}$/.test(node.attribs.colspan ?? '')) attrs.push(`colspan="${node.attribs.colspan}"`)
      if ((name === 'td' || name === 'th') && /^\d{1,3}$/.test(node.attribs.rowspan ?? '')) attrs.push(`rowspan="${node.attribs.rowspan}"`)
      if (name === 'ol' && /^\d{1,4}$/.test(node.attribs.start ?? '')) attrs.push(`start="${node.attribs.start}"`)
      const align = ALIGN_TAGS.has(name) ? alignOf(node.attribs.style) : ''
      const fullStyle = align ? style.replace(/text-align:[^;]*;/, '') + align : style
      if (fullStyle) attrs.push(`style="${escAttr(fullStyle)}"`)
      out.push(`<${name}${attrs.length ? ' ' + attrs.join(' ') : ''}>`)
      if (VOID.has(name)) continue
      walk(node.children)
      out.push(`</${name}>`)
    }
  }
  walk(doc.children)
  return `<section style="${BODY}">${out.join('')}</section>`
}

function insideDropped(node: Element): boolean {
  for (let p = node.parent; p; p = p.parent) if ('name' in p && WECHAT_DROPPED_TAGS.has(p.name)) return true
  return false
}
