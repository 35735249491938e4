import { convertLexicalToPlaintext, type PlaintextConverters } from '@payloadcms/richtext-lexical/plaintext'

import { clip } from './format'
import { lexicalRoot } from './lexical'

/**
 * The one plain-text converter: Lexical JSON to the text a reader sees,
 * through Payload's converter (@payloadcms/richtext-lexical/plaintext), which
 * puts blank lines between blocks, line breaks between list items and table
 * rows, and " | " between table cells. Used for share-card descriptions,
 * feeds, the text part of e-mails and the sensitive-word gate.
 *
 * Our overrides: a link gives its text (and, with `linkUrls`, its address
 * after it, for the sensitive-word gate, which must see addresses too); an
 * upload gives nothing. Anything that is not Lexical JSON gives ''.
 */
export type PlainTextOptions = {
  /** Write each link's address after its text. */
  linkUrls?: boolean
}

type Node = { [key: string]: unknown; type?: string; children?: unknown; fields?: unknown; url?: unknown }
type Converter = Exclude<PlaintextConverters[string], Record<string, unknown> | undefined>

function converters(opts: PlainTextOptions): PlaintextConverters {
  const link: Converter = ({ node, nodesToPlaintext }) => {
    const n = node as Node
    const text = nodesToPlaintext({ nodes: (n.children ?? []) as never[] }).join('')
    if (!opts.linkUrls) return text
    const fields = (n.fields && typeof n.fields === 'object' ? n.fields : {}) as { url?: unknown }
    const url = typeof fields.url === 'string' ? fields.url : typeof n.url === 'string' ? n.url : ''
    return url ? `${text} ${url}` : text
  }
  const text: Converter = ({ node }) => (typeof (node as Node).text === 'string' ? ((node as Node).text as string) : '')
  return { text, link, autolink: link, upload: '' } as PlaintextConverters
}

export function plainTextOfRichText(value: unknown, opts: PlainTextOptions = {}): string {
  const root = lexicalRoot(value)
  if (!root) return ''
  return convertLexicalToPlaintext({ data: { root } as never, converters: converters(opts) }).trim()
}

/** Chinese characters and full-width punctuation: Chinese text puts no space between them. */
const CJK = '\\u3000-\\u303f\\u3400-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef'
const SPACE_IN_CHINESE = new RegExp(`(?<=[${CJK}])[^\\S\\n]+(?=[${CJK}])`, 'g')
const BREAK_AFTER_PUNCTUATION = new RegExp(`(?<=[\\u3000-\\u303f\\uff01-\\uff0f\\uff1a-\\uff1f\\u201d\\u2019])\\s*\\n\\s*(?=[${CJK}])`, 'g')

/**
 * A share card's or a feed's summary of rich text: its plain text (link text,
 * never an address) kept unbroken as Chinese is written: no space between two
 * Chinese characters, no break after a full stop before the next paragraph; a
 * break after a heading stays one space. Cut to about `max` characters.
 */
export function plainSummary(value: unknown, max: number): string {
  const text = plainTextOfRichText(value).replace(SPACE_IN_CHINESE, '').replace(BREAK_AFTER_PUNCTUATION, '')
  return clip(text, max)
}
