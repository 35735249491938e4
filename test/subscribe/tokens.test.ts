import { describe, expect, it } from 'vitest'

import { keyedHash, signToken, verifyToken } from '../../src/tokens'

/** Signed link tokens: bound to a purpose, expiring when asked, altered or forged ones refused without a database. */
describe('signed tokens', () => {
  it('verifies its own token for its purpose, with subject, data and expiry', () => {
    const token = signToken('confirm', 'ref-123', { ttlSeconds: 60, data: 'nonce' })
    const v = verifyToken(token, 'confirm')
    expect(v).toMatchObject({ ok: true, subject: 'ref-123', data: 'nonce' })
    expect(v.ok && v.expiresAt!.getTime()).toBeGreaterThan(Date.now())
    expect(verifyToken(signToken('prefs', 'ref-123'), 'prefs')).toEqual({ ok: true, subject: 'ref-123' })
    // URL-safe: nothing to escape in a link.
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
  })

  it('refuses a token for another purpose, an altered body or tag, and junk', () => {
    const token = signToken('prefs', 'ref-1')
    expect(verifyToken(token, 'unsub')).toEqual({ ok: false, reason: 'forged' })
    const [body, tag] = token.split('.')
    const otherBody = Buffer.from(JSON.stringify({ p: 'prefs', s: 'ref-2' })).toString('base64url')
    expect(verifyToken(`${otherBody}.${tag}`, 'prefs')).toEqual({ ok: false, reason: 'forged' })
    // Every other spelling of the tag's last character is refused, including
    // those that decode to the same bytes (base64url's spare bits).
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    for (const c of alphabet.replace(tag.slice(-1), '')) {
      expect(verifyToken(`${body}.${tag.slice(0, -1)}${c}`, 'prefs')).toEqual({ ok: false, reason: 'forged' })
    }
    expect(verifyToken(`${body}.${tag}x`, 'prefs').ok).toBe(false)
    for (const junk of ['', 'abc', 'a.b.c', `${body}.`, '..', 'é.é', 'x'.repeat(700), 42, null, undefined]) {
      expect(verifyToken(junk, 'prefs').ok).toBe(false)
    }
  })

  it('says expired only for a genuine token past its time', () => {
    const now = Date.now()
    const old = signToken('confirm', 'ref-9', { ttlSeconds: 10, now: now - 60_000 })
    expect(verifyToken(old, 'confirm', now)).toEqual({ ok: false, reason: 'expired' })
    expect(verifyToken(old, 'confirm', now - 55_000).ok).toBe(true)
  })

  it('changes every tag when PAYLOAD_SECRET changes', () => {
    const token = signToken('prefs', 'ref-5')
    const hash = keyedHash('rate', '203.0.113.1')
    const saved = process.env.PAYLOAD_SECRET
    try {
      process.env.PAYLOAD_SECRET = 'another-secret-for-this-test'
      expect(verifyToken(token, 'prefs')).toEqual({ ok: false, reason: 'forged' })
      expect(keyedHash('rate', '203.0.113.1')).not.toBe(hash)
    } finally {
      process.env.PAYLOAD_SECRET = saved
    }
    expect(verifyToken(token, 'prefs').ok).toBe(true)
  })
})
