/**
 * Small HTML checks for the XSS tests: the start tags of a page and the names
 * of their attributes, read the way a browser tokenises them (quoted values
 * are consumed whole, so text inside a value is never taken for an attribute).
 */
export const startTags = (html: string): string[] => html.match(/<[a-zA-Z][^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>/g) ?? []

export function tagsAndAttributes(html: string): { tag: string; attrs: { name: string; value: string }[] }[] {
  return startTags(html).map((t) => {
    const tag = /^<([a-zA-Z][a-zA-Z0-9-]*)/.exec(t)![1].toLowerCase()
    const rest = t.slice(tag.length + 1, -1)
    const attrs: { name: string; value: string }[] = []
    const re = /\s*([^\s=>"'/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g
    let m: RegExpExecArray | null
    while ((m = re.exec(rest))) {
      if (!m[0]) break
      attrs.push({ name: m[1].toLowerCase(), value: m[2] ?? m[3] ?? m[4] ?? '' })
    }
    return { tag, attrs }
  })
}

/** What must never reach a page from content: script elements, event handlers, script URLs. */
export function dangerousMarkup(html: string): string[] {
  const found: string[] = []
  for (const { tag, attrs } of tagsAndAttributes(html)) {
    if (['script', 'iframe', 'object', 'embed', 'style'].includes(tag)) found.push(`<${tag}>`)
    for (const a of attrs) {
      if (a.name.startsWith('on')) found.push(`${tag}[${a.name}]`)
      if (a.name === 'style') found.push(`${tag}[style]`)
      const v = a.value.replace(/&#0*58;|&colon;/gi, ':').replace(/[\s\u0000-\u001f]/g, '').toLowerCase()
      if (/^(javascript|vbscript|data):/.test(v)) found.push(`${tag}[${a.name}=${a.value}]`)
    }
  }
  return found
}
