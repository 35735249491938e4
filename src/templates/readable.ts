import { chineseDatesIn } from './format'
import { esc } from './html'
import { findPhones } from './phone'

/**
 * Escaped HTML made easier to read and use (the MIIT elder-friendly rules):
 * telephone numbers become `tel:` links and days written in numbers read as
 * Chinese dates (2026-12-06 → 2026年12月6日). Only text is touched: never a
 * tag or an attribute, nothing inside a link (or code, pre), and no URL
 * written out in the text.
 */
const SKIP = new Set(['a', 'code', 'pre', 'script', 'style', 'textarea', 'kbd', 'samp'])
const URL_IN_TEXT = /(?:https?:\/\/|www\.)[^\s<>"]*/gi

export function linkPhonesAndDates(html: string): string {
  const tokens = html.split(/(<[^>]*>)/)
  const open: string[] = []
  return tokens
    .map((token, i) => {
      if (i % 2 === 1) {
        const tag = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)/.exec(token)
        if (tag && SKIP.has(tag[2].toLowerCase())) {
          if (tag[1]) open.pop()
          else if (!token.endsWith('/>')) open.push(tag[2])
        }
        return token
      }
      return open.length || !token ? token : readableText(token)
    })
    .join('')
}

/** One text run (already escaped): URLs kept as they are, the text between them made readable. */
function readableText(text: string): string {
  let out = ''
  let at = 0
  for (const url of text.matchAll(URL_IN_TEXT)) {
    out += readablePlain(text.slice(at, url.index)) + url[0]
    at = url.index + url[0].length
  }
  return out + readablePlain(text.slice(at))
}

function readablePlain(text: string): string {
  const dated = chineseDatesIn(text)
  let out = ''
  let at = 0
  for (const phone of findPhones(dated)) {
    out += dated.slice(at, phone.start) + `<a href="${esc(phone.tel)}">${phone.text}</a>`
    at = phone.end
  }
  return out + dated.slice(at)
}
