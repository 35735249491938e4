import type { ReaderModes } from '../templates/site/types'

/**
 * The reader's display switches, each remembered by a cookie of its own and
 * set without JavaScript by a plain link (/text-size, /care-mode: see
 * modeRoutes.ts): large text, and care mode (关怀模式, to the MIIT
 * elder-friendly rules). Both change the HTML, so both are part of the page
 * cache's key. This module imports nothing at run time: the cached-page fast
 * path (cachedPages.ts) reads it before Express.
 */
export type ReaderSwitch = keyof ReaderModes

export const READER_SWITCHES: Record<ReaderSwitch, { cookie: string; on: string }> = {
  largeText: { cookie: 'sn_text', on: 'large' },
  care: { cookie: 'sn_care', on: '1' },
}

const SWITCH_NAMES = Object.keys(READER_SWITCHES) as ReaderSwitch[]
const MATCHERS = SWITCH_NAMES.map(
  (name) => [name, new RegExp(`(?:^|;\\s*)${READER_SWITCHES[name].cookie}=${READER_SWITCHES[name].on}(?:;|$)`)] as const,
)

/** Every switch off: what a first visit sees. */
export const NORMAL_MODES: ReaderModes = Object.freeze({ largeText: false, care: false })

/** The switches a request's Cookie header turns on. */
export function readerModes(cookieHeader: string | undefined): ReaderModes {
  const header = cookieHeader ?? ''
  const modes = { ...NORMAL_MODES }
  for (const [name, matcher] of MATCHERS) modes[name] = matcher.test(header)
  return modes
}

/** The modes' part of a page cache key: n, lt, n.care, lt.care. */
export const modesKey = (modes: ReaderModes) => `${modes.largeText ? 'lt' : 'n'}${modes.care ? '.care' : ''}`

/** The Set-Cookie value that turns a switch on (for a year) or off. */
export function switchCookie(name: ReaderSwitch, on: boolean, secure: boolean): string {
  const { cookie, on: value } = READER_SWITCHES[name]
  const attrs = `Path=/; ${on ? 'Max-Age=31536000' : 'Max-Age=0'}; SameSite=Lax; HttpOnly${secure ? '; Secure' : ''}`
  return `${cookie}=${on ? value : ''}; ${attrs}`
}
