/**
 * The few primitives every template builds on: escaping, the URL allow-list
 * and media paths. Everything that reaches HTML passes through one of these.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escape text for element content and for quoted attribute values alike. */
export function esc(value: unknown): string {
  if (value == null) return ''
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c])
}

/** Escaped text with its line breaks kept (plain textarea fields). */
export function escLines(value: unknown): string {
  return esc(value).replace(/\r?\n/g, '<br>')
}

/**
 * A link target we are willing to put in an href: http(s), mailto, tel, or a
 * path on this site. Anything else (javascript:, data:, protocol-relative
 * "//host", relative paths, control characters) gives null.
 */
export function safeHref(raw: unknown): string | null {
  if (typeof raw !== 'string') return null
  const url = raw.trim()
  if (!url || url.length > 2000 || /[\u0000-\u001f\u007f]/.test(url)) return null
  if (/^https?:\/\/[^\s/?#\\]+[^\s]*$/i.test(url)) return url
  if (/^mailto:[^\s]+$/i.test(url)) return url
  if (/^tel:[0-9+\-(). ]+$/i.test(url)) return url
  if (isSitePath(url)) return url
  return null
}

/** A path on this site: starts with one slash, never "//" or "/\" (which browsers read as another host). */
export function isSitePath(url: string): boolean {
  return /^\/(?![/\\])[^\s\\]*$/.test(url) && !/[\u0000-\u001f\u007f]/.test(url)
}

export type MediaSize = { url?: string | null; filename?: string | null; width?: number | null; height?: number | null }
export type MediaDoc = MediaSize & {
  id?: string | number
  alt?: string | null
  mimeType?: string | null
  sizes?: Record<string, MediaSize | undefined> | null
}

export const isMediaDoc = (v: unknown): v is MediaDoc =>
  Boolean(v && typeof v === 'object' && typeof (v as MediaDoc).filename === 'string')

/**
 * A media file as a site path (Payload serves uploads at /api/<collection>/file/<name>),
 * preferring a named size when it was generated. Paths, not Payload's absolute
 * url, so pages work behind any host name; `base` makes it absolute (share cards).
 */
export function mediaSrc(media: MediaDoc, size?: string, base = ''): { src: string; width?: number; height?: number } | null {
  const variant = size ? media.sizes?.[size] : undefined
  const chosen = variant?.filename ? variant : media
  if (!chosen.filename) return null
  const width = typeof chosen.width === 'number' ? chosen.width : undefined
  const height = typeof chosen.height === 'number' ? chosen.height : undefined
  return { src: `${base}/api/media/file/${encodeURIComponent(chosen.filename)}`, width, height }
}

/** An <img> for a media document, lazy and with its intrinsic size (no layout shift); size '' is the original file. */
export function imgTag(media: unknown, opts: { size?: string; alt?: string; className?: string; lazy?: boolean; base?: string } = {}): string {
  if (!isMediaDoc(media)) return ''
  if (media.mimeType && !media.mimeType.startsWith('image/')) return ''
  const file = mediaSrc(media, opts.size ?? 'page', opts.base)
  if (!file) return ''
  const attrs = [
    `src="${esc(file.src)}"`,
    `alt="${esc(opts.alt ?? media.alt ?? '')}"`,
    file.width ? `width="${file.width}"` : '',
    file.height ? `height="${file.height}"` : '',
    opts.lazy === false ? '' : 'loading="lazy"',
    'decoding="async"',
    opts.className ? `class="${esc(opts.className)}"` : '',
  ]
  return `<img ${attrs.filter(Boolean).join(' ')}>`
}
