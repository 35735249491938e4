/**
 * De-identification in the standard forms used for published lists (公示):
 * names 张*三 (two characters: 张*), mobiles 138****1234, ID numbers
 * 3501**********1234 and card numbers 6222*********1234 (first and last four).
 */

export function maskName(name: string): string {
  const chars = [...name]
  if (chars.length < 2) return name
  if (chars.length === 2) return `${chars[0]}*`
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`
}

/** Keeps a country prefix as written (+86 ); the number itself becomes 138****1234. */
export function maskMobile(raw: string): string {
  const m = /^(.*?)(1[3-9]\d)[ \u00a0\u3000-]?(\d{4})[ \u00a0\u3000-]?(\d{4})$/.exec(raw)
  if (!m) return raw
  return `${m[1]}${m[2]}****${m[4]}`
}

/** First four and last four kept, separators dropped: 18 digits → 3501**********1234. */
export function maskKeepEnds(raw: string): string {
  const chars = raw.replace(/[^0-9Xx]/g, '').toUpperCase()
  if (chars.length <= 8) return raw
  return `${chars.slice(0, 4)}${'*'.repeat(chars.length - 8)}${chars.slice(-4)}`
}

export const maskIdNumber = maskKeepEnds
export const maskCardNumber = maskKeepEnds
