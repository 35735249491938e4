import { describe, expect, it } from 'vitest'

import { messageLinks, shareLink } from '../../src/delivery/links'
import { CONTENT_SLUGS } from '../../src/collections/contentCollection'
import { anonReaderKey, openHistory, readerKey, signTrack, TRACK_CHANNELS, verifyTrack, type TrackToken } from '../../src/readership/tokens'
import { MAX_TOKEN_LENGTH, signCompact, verifyCompact } from '../../src/tokens'

const base: TrackToken = { channel: 'email', contentType: 'issues', contentId: '12', grid: '3', reader: readerKey('issues', '12', 'refA') }

/** Every single-character change of a token. */
function alterations(token: string): string[] {
  const alphabet = 'ABCabc019-_'
  const out = new Set<string>()
  for (let i = 0; i < token.length; i++) {
    for (const ch of alphabet) if (ch !== token[i] && token[i] !== '.') out.add(token.slice(0, i) + ch + token.slice(i + 1))
  }
  return [...out]
}

describe('tracking tokens', () => {
  it('round-trip every field, and stay short', () => {
    const token = signTrack('read', { ...base, history: 'someRef_123', target: 'abc' })
    const v = verifyTrack(token, 'read')
    expect(v).toEqual({ ok: true, token: { ...base, history: 'someRef_123', target: 'abc' } })
    expect(signTrack('open', base).length).toBeLessThan(70)
  })

  it('decode every channel and content type they can be signed with (the decoder writes the codes in)', () => {
    for (const channel of TRACK_CHANNELS)
      for (const contentType of CONTENT_SLUGS) {
        const t = { ...base, channel, contentType }
        expect(verifyTrack(signTrack('open', t), 'open')).toEqual({ ok: true, token: t })
      }
  })

  it('refuse every altered character as forged or malformed, never accepted', () => {
    const token = signTrack('open', base)
    const changed = alterations(token)
    expect(changed.length).toBeGreaterThan(200)
    for (const t of changed) {
      const v = verifyTrack(t, 'open')
      expect(v.ok, t).toBe(false)
    }
    // Changing the grid alone (a leader inflating their grid) is refused.
    const otherGrid = token.replace('.12.3.', '.12.4.')
    expect(otherGrid).not.toBe(token)
    expect(verifyTrack(otherGrid, 'open')).toEqual({ ok: false, reason: 'forged' })
  })

  it('refuse a forged token, a token for another purpose, and garbage', () => {
    expect(verifyTrack('e.i.12.3.....' + 'A'.repeat(16), 'open')).toEqual({ ok: false, reason: 'forged' })
    const pixel = signTrack('open', base)
    expect(verifyTrack(pixel, 'click')).toEqual({ ok: false, reason: 'forged' })
    expect(verifyTrack(pixel, 'read')).toEqual({ ok: false, reason: 'forged' })
    for (const junk of ['', 'x', 'a.b', '../../etc', 'e.i.1.2.3.4.5.6.7.8.9', 'x'.repeat(700), 42, null])
      expect(verifyTrack(junk, 'open').ok).toBe(false)
    // The length limit is MAX_TOKEN_LENGTH (written in as a literal in the self-contained check): one more is refused unread.
    const ofLength = (n: number) => `e.i.12.3....${'x'.repeat(n - 29)}.${'A'.repeat(16)}`
    expect(ofLength(MAX_TOKEN_LENGTH)).toHaveLength(MAX_TOKEN_LENGTH)
    expect(verifyCompact(ofLength(MAX_TOKEN_LENGTH), 'track-open', 7)).toEqual({ ok: false, reason: 'forged' })
    expect(verifyCompact(ofLength(MAX_TOKEN_LENGTH + 1), 'track-open', 7)).toEqual({ ok: false, reason: 'malformed' })
    // The JSON-token key and purpose do not make compact tokens.
    const other = signCompact('prefs', ['e', 'i', '12', '3', '', '', ''])
    expect(verifyTrack(other, 'open')).toEqual({ ok: false, reason: 'forged' })
  })

  it('expire when their time is up, and say so only for a genuine token', () => {
    const now = Date.now()
    const t = signTrack('click', base, { ttlSeconds: 60, now: now - 120_000 })
    expect(verifyTrack(t, 'click', now)).toEqual({ ok: false, reason: 'expired' })
    expect(verifyTrack(signTrack('click', base, { ttlSeconds: 600 }), 'click').ok).toBe(true)
    const parts = t.split('.')
    parts[7] = (Math.floor(now / 1000) + 3600).toString(36) // extend the expiry by hand
    expect(verifyTrack(parts.join('.'), 'click', now)).toEqual({ ok: false, reason: 'forged' })
    expect(verifyCompact(signCompact('x', ['a'], { ttlSeconds: 10 }), 'x', 1).ok).toBe(true)
  })

  it('reader keys differ per content and per subscriber, and are stable', () => {
    expect(readerKey('issues', '12', 'refA')).toBe(readerKey('issues', '12', 'refA'))
    expect(readerKey('issues', '12', 'refA')).not.toBe(readerKey('issues', '13', 'refA'))
    expect(readerKey('issues', '12', 'refA')).not.toBe(readerKey('issues', '12', 'refB'))
    expect(readerKey('issues', '12', 'refA')).not.toBe(readerKey('events', '12', 'refA'))
    expect(anonReaderKey('issues', '12', 'c1')).not.toBe(anonReaderKey('issues', '13', 'c1'))
  })

  it('message links carry the grid and reader, history only with the statistics consent', () => {
    const doc = { id: 7, number: 3 }
    const sub = { ref: 'refA', grid: { id: 5 }, consents: [] }
    const l = messageLinks('issues', doc, sub, 'https://x.example')
    expect(l.content.startsWith('https://x.example/issues/3?r=')).toBe(true)
    const t = verifyTrack(new URL(l.content).searchParams.get('r'), 'read')
    expect(t).toEqual({ ok: true, token: { channel: 'email', contentType: 'issues', contentId: '7', grid: '5', reader: readerKey('issues', '7', 'refA') } })
    expect(l.pixel).toMatch(/^https:\/\/x\.example\/t\/o\/[A-Za-z0-9_.-]+\.gif$/)
    const optedInConsents = [{ purpose: 'statistics' as const, granted: true, at: '', textVersion: '1', method: 'web' as const }]
    const optedIn = messageLinks('issues', doc, { ...sub, consents: optedInConsents }, 'https://x.example')
    const h = verifyTrack(new URL(optedIn.content).searchParams.get('r'), 'read')
    // The ref is sealed for this content: not in the link, and another content's link carries another value.
    const sealed = h.ok ? h.token.history! : ''
    expect(sealed).not.toContain('refA')
    expect(openHistory('issues', '7', sealed)).toBe('refA')
    expect(openHistory('issues', '8', sealed)).toBeNull()
    const other = verifyTrack(new URL(messageLinks('issues', { id: 8, number: 4 }, { ...sub, consents: optedInConsents }, 'https://x.example').content).searchParams.get('r'), 'read')
    expect(other.ok && other.token.history).not.toBe(sealed)
    const share = shareLink('events', 9, 4, 'https://x.example')
    const s = verifyTrack(share.split('/t/c/')[1], 'click')
    expect(s).toEqual({ ok: true, token: { channel: 'share', contentType: 'events', contentId: '9', grid: '4' } })
  })
})
