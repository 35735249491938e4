import type { IncomingHttpHeaders } from 'node:http'

/**
 * Requests that are not a person reading: never counted as reads (they are
 * still answered normally). Crawlers, link previews, security scanners that
 * open every link in a mail, scripts, headless browsers; HEAD requests; and
 * prefetches (Purpose / Sec-Purpose: prefetch, X-Moz: prefetch). An empty
 * user agent is a script. Mail image proxies are not listed: fetching the
 * pixel is how an open shows at all, which is why opens are "approximate".
 */
const BOT_UA = new RegExp(
  [
    'bot\\b', 'bot/', 'crawl', 'spider', 'slurp', 'scanner', 'preview', 'facebookexternalhit', 'whatsapp', 'telegram', 'slack', 'discord',
    'skypeuripreview', 'embedly', 'quora link', 'outbrain', 'pinterest', 'vkshare', 'w3c_validator', 'curl/', 'wget/', 'httpie', 'python-requests',
    'python-urllib', 'aiohttp', 'go-http-client', 'java/', 'okhttp', 'libwww', 'node-fetch', 'undici', 'axios/', 'headlesschrome', 'phantomjs',
    'lighthouse', 'pagespeed', 'barracuda', 'proofpoint', 'mimecast', 'safelinks', 'urldefense', 'ms-office', 'microsoft office', 'bingpreview',
    'baiduspider', 'sogou', '360spider', 'yisouspider', 'bytespider', 'petalbot', 'yandex', 'semrush', 'ahrefs', 'mj12', 'dotbot', 'uptime', 'monitor',
  ]
    .map((s) => s.replace(/[.*+?^${}()|[\]/]/g, (c) => (c === '\\' ? c : `\\${c}`)))
    .join('|'),
  'i',
)

// The same few hundred user agents come again and again: remember the verdicts (bounded).
const verdicts = new Map<string, boolean>()

export function isBotUserAgent(ua: string | undefined): boolean {
  if (!ua || ua.length < 10) return true
  let bot = verdicts.get(ua)
  if (bot === undefined) {
    bot = BOT_UA.test(ua)
    if (verdicts.size >= 2_000) verdicts.clear()
    if (ua.length <= 512) verdicts.set(ua, bot)
  }
  return bot
}

const PREFETCH = /prefetch|prerender|preview/i

export function isPrefetch(headers: IncomingHttpHeaders): boolean {
  for (const name of ['purpose', 'sec-purpose', 'x-purpose', 'x-moz']) {
    const v = headers[name]
    if (typeof v === 'string' && PREFETCH.test(v)) return true
  }
  return false
}

/** Should this request count as a read? */
export function countable(method: string | undefined, headers: IncomingHttpHeaders): boolean {
  if (method !== 'GET') return false
  return !isBotUserAgent(headers['user-agent']) && !isPrefetch(headers)
}
