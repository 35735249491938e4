import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { EmailChannel, mapSmtpError, type EmailMessage } from '../../src/channels/email'
import { buildMime, encodeWords } from '../../src/channels/email/mime'
import { startSmtpServer, type SmtpTestServer } from '../support/smtp-server'

const FROM = '徐碧街道 <news@street.example>'
let smtp: SmtpTestServer
let channel: EmailChannel

const message = (to: string, extra: Partial<EmailMessage> = {}): EmailMessage => ({
  to,
  subject: '《聚焦徐碧》第 12 期：社区服务新进展',
  html: `<p>您好，${to}:</p><p>本期内容 <a href="https://street.example/t/abc?r=${encodeURIComponent(to)}">阅读全文</a></p>`,
  text: `您好，${to}:\n本期内容 https://street.example/t/abc?r=${encodeURIComponent(to)}`,
  headers: {
    'List-Unsubscribe': `<https://street.example/u/${encodeURIComponent(to)}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  },
  ...extra,
})

beforeAll(async () => {
  smtp = await startSmtpServer()
  channel = new EmailChannel({ url: smtp.url, from: FROM, maxConnections: 2, socketTimeoutMs: 5_000, connectionTimeoutMs: 5_000 })
})
afterAll(async () => {
  await channel.close()
  await smtp.close()
})
beforeEach(() => smtp.reset())

describe('email channel against a real SMTP server', () => {
  it('submits a message whose parts, headers and links parse back', async () => {
    const result = await channel.send(message('resident@home.example'))
    expect(result.ok).toBe(true)
    expect(smtp.messages).toHaveLength(1)
    const mail = smtp.messages[0]
    expect(mail.envelope).toEqual({ from: 'news@street.example', to: ['resident@home.example'] })
    const parsed = mail.parsed!
    expect(parsed.subject).toBe('《聚焦徐碧》第 12 期：社区服务新进展')
    expect(parsed.from?.value[0]).toMatchObject({ name: '徐碧街道', address: 'news@street.example' })
    expect(parsed.to && !Array.isArray(parsed.to) && parsed.to.value[0].address).toBe('resident@home.example')
    expect(parsed.html).toContain('href="https://street.example/t/abc?r=resident%40home.example"')
    expect(parsed.html).toContain('本期内容')
    expect(parsed.text).toContain('https://street.example/t/abc?r=resident%40home.example')
    // RFC 8058 one-click unsubscribe: both headers, exactly.
    const line = (key: string) => parsed.headerLines.find((h) => h.key === key)?.line
    expect(line('list-unsubscribe')).toBe('List-Unsubscribe: <https://street.example/u/resident%40home.example>')
    expect(line('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click')
    // The provider id is the Message-ID the recipient's server sees.
    expect(result.ok && result.providerId).toBe(parsed.messageId)
    expect(parsed.date).toBeInstanceOf(Date)
  })

  it('sends one rendering many times with per-recipient parts spliced in', async () => {
    const html = '<p>{{greeting}}</p><p><a href="{{unsubscribe}}">退订</a></p>'
    const recipients = ['a@home.example', 'b@home.example', 'c@home.example']
    const results = await Promise.all(
      recipients.map((to) =>
        channel.send({
          to,
          subject: '活动通知',
          html: html.replace('{{greeting}}', `${to} 您好`).replace('{{unsubscribe}}', `https://street.example/u/${to}`),
          text: `${to} 您好`,
        }),
      ),
    )
    expect(results.every((r) => r.ok)).toBe(true)
    expect(smtp.messages.map((m) => m.envelope.to[0]).sort()).toEqual(recipients)
    for (const m of smtp.messages) {
      const to = m.envelope.to[0]
      expect(m.parsed!.html).toContain(`${to} 您好`)
      expect(m.parsed!.html).toContain(`href="https://street.example/u/${to}"`)
    }
  })

  it('keeps long Chinese subjects and sender names intact through encoded words', async () => {
    const subject = '关于做好二〇二六年冬季供暖、防火与独居老人走访工作的通知（第三次修订稿）'.repeat(3)
    const words = encodeWords(subject).split('\r\n ')
    expect(words.length).toBeGreaterThan(1)
    for (const w of words) expect(w.length).toBeLessThanOrEqual(75)
    expect((await channel.send(message('long@home.example', { subject }))).ok).toBe(true)
    expect(smtp.messages[0].parsed!.subject).toBe(subject)
  })

  it('550 for a recipient is permanent (recipient-gone); the others still go', async () => {
    smtp.failRecipient('gone@home.example', 550, 'No such user')
    const gone = await channel.send(message('gone@home.example'))
    const fine = await channel.send(message('fine@home.example'))
    expect(gone).toMatchObject({ ok: false, kind: 'recipient-gone', code: 550 })
    expect(fine.ok).toBe(true)
    expect(smtp.messages.map((m) => m.envelope.to[0])).toEqual(['fine@home.example'])
  })

  it('421 and 451 are temporary (retryable); the retry is accepted', async () => {
    smtp.failNext(1, 421, 'rcpt', 'Service shutting down')
    const first = await channel.send(message('x@home.example'))
    expect(first).toMatchObject({ ok: false, kind: 'retryable', code: 421 })
    smtp.failNext(1, 451, 'data', 'Local error in processing')
    const second = await channel.send(message('x@home.example'))
    expect(second).toMatchObject({ ok: false, kind: 'retryable', code: 451 })
    const retry = await channel.send(message('x@home.example'))
    expect(retry.ok).toBe(true)
    expect(smtp.messages).toHaveLength(1)
  })

  it('a refused sender (5xx at MAIL FROM) is a configuration error, not the recipient’s', async () => {
    smtp.failNext(1, 553, 'mail', 'Sender not allowed')
    expect(await channel.send(message('y@home.example'))).toMatchObject({ ok: false, kind: 'config', code: 553 })
  })

  it('a connection dropped during DATA is retryable and nothing is recorded as delivered', async () => {
    smtp.dropNext(1, 'data')
    const dropped = await channel.send(message('drop@home.example'))
    expect(dropped.ok).toBe(false)
    expect(dropped.ok === false && dropped.kind).toBe('retryable')
    expect(smtp.messages).toHaveLength(0)
    const retry = await channel.send(message('drop@home.example'))
    expect(retry.ok).toBe(true)
    expect(smtp.messages).toHaveLength(1)
  })

  it('a server that is not there is retryable', async () => {
    const down = await startSmtpServer()
    const url = down.url
    await down.close()
    const lonely = new EmailChannel({ url, from: FROM, connectionTimeoutMs: 2_000 })
    const result = await lonely.send(message('z@home.example'))
    await lonely.close()
    expect(result).toMatchObject({ ok: false, kind: 'retryable' })
  })

  it('refuses a header that would inject lines, and an address that is not one, before any SMTP traffic', async () => {
    const injected = await channel.send(message('a@home.example', { headers: { 'X-Note': 'ok\r\nBcc: victim@else.example' } }))
    expect(injected).toMatchObject({ ok: false, kind: 'config', code: 'invalid-message' })
    const own = await channel.send(message('a@home.example', { headers: { Subject: 'twice' } }))
    expect(own).toMatchObject({ ok: false, kind: 'config', code: 'invalid-message' })
    const bad = await channel.send(message('not an address <x@y.example>'))
    expect(bad).toMatchObject({ ok: false, kind: 'recipient-gone', code: 'invalid-address' })
    expect(smtp.messages).toHaveLength(0)
  })

  it('maps authentication failures to config and unknown network errors to retryable', () => {
    expect(mapSmtpError(Object.assign(new Error('Invalid login'), { code: 'EAUTH', responseCode: 535 }))).toMatchObject({ kind: 'config', code: 535 })
    expect(mapSmtpError(Object.assign(new Error('Timeout'), { code: 'ETIMEDOUT' }))).toMatchObject({ kind: 'retryable', code: 'ETIMEDOUT' })
    expect(mapSmtpError(Object.assign(new Error('Mailbox full'), { responseCode: 552, command: 'DATA' }))).toMatchObject({ kind: 'recipient-gone', code: 552 })
  })

  it('writes a message that mail parsers read back as written (multipart/alternative, base64 UTF-8)', () => {
    const { raw: bytes, messageId } = buildMime({
      from: { name: 'Street "News"', address: 'news@street.example' },
      to: 'r@home.example',
      subject: 'ASCII subject',
      html: '<p>x</p>',
      text: 'x',
    })
    const raw = bytes.toString('utf8')
    expect(raw).toMatch(/^From: "Street \\"News\\"" <news@street\.example>\r\n/)
    expect(raw).toContain(`Message-ID: ${messageId}\r\n`)
    expect(raw).toContain('Content-Type: multipart/alternative; boundary=')
    expect(raw.split('\r\n').every((line) => line.length <= 998)).toBe(true)
  })
})
