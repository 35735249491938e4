/**
 * Email addresses as this system accepts them: a resident's sign-up, an
 * import, a test-send, MAIL_FROM. Apart from the MIME writer
 * (channels/email/mime.ts) because forms and admin views check addresses too,
 * and must not bundle a channel.
 */
export type Mailbox = { name?: string; address: string }

/** A conservative addr-spec: no spaces, brackets, quotes, commas or control characters; one @. */
const ADDRESS = /^[^\s@<>()",;:\\[\]\u0000-\u001f\u007f]+@[^\s@<>()",;:\\[\]\u0000-\u001f\u007f]+\.[^\s@<>()",;:\\[\]\u0000-\u001f\u007f]+$/

export function isAddress(value: string): boolean {
  return value.length <= 254 && ADDRESS.test(value)
}

/** "街道办 <news@example.org>", "<news@example.org>" or "news@example.org". */
export function parseMailbox(value: string): Mailbox | null {
  const m = /^\s*(?:"?([^"<>]*?)"?\s*)?<([^<>]+)>\s*$/.exec(value)
  const address = (m ? m[2] : value).trim()
  if (!isAddress(address)) return null
  const name = m?.[1]?.trim()
  return name ? { name, address } : { address }
}
