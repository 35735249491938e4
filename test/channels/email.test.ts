import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { EmailChannel, enhancedStatus, mapSmtpError, type EmailMessage } from '../../src/channels/email'
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
    expect(await channel.send(message('y@home.example'))).toMatchObject({ ok: false, kind: 'config', code: 553, refused: 'sender' })
  })

  it('a relay or a content filter that refuses the sending is a refusal of the whole sending, never a gone address', async () => {
    // A relay that denies relaying answers every RCPT TO with 5.7.1.
    smtp.failRecipient('a@home.example', 550, '5.7.1 <a@home.example>: Relay access denied')
    expect(await channel.send(message('a@home.example'))).toMatchObject({ ok: false, kind: 'config', code: 550, refused: 'relay' })
    // 5.3.x (the mail system) and 5.6.x (the content) at RCPT TO, too.
    smtp.failRecipient('b@home.example', 554, '5.3.0 Mail system error')
    expect(await channel.send(message('b@home.example'))).toMatchObject({ ok: false, kind: 'config', code: 554, refused: 'relay' })
    smtp.failRecipient('c@home.example', 550, '5.6.0 Content not accepted')
    expect(await channel.send(message('c@home.example'))).toMatchObject({ ok: false, kind: 'config', code: 550, refused: 'content' })
    // Any 5xx after DATA judged the message, whatever its enhanced code says.
    smtp.failNext(1, 554, 'data', 'Transaction failed: message rejected as spam')
    expect(await channel.send(message('d@home.example'))).toMatchObject({ ok: false, kind: 'config', code: 554, refused: 'content' })
    smtp.failNext(1, 550, 'data', '5.1.1 Looks like a bad mailbox, but after DATA')
    expect(await channel.send(message('d@home.example'))).toMatchObject({ ok: false, kind: 'config', code: 550, refused: 'content' })
    // A 5.7.x at MAIL FROM is the relay's policy; any other 5xx there refuses our sender.
    smtp.failNext(1, 550, 'mail', '5.7.1 Sender not authorised to relay')
    expect(await channel.send(message('e@home.example'))).toMatchObject({ ok: false, kind: 'config', code: 550, refused: 'relay' })
    smtp.failNext(1, 550, 'mail', '5.1.8 Bad sender domain')
    expect(await channel.send(message('e@home.example'))).toMatchObject({ ok: false, kind: 'config', code: 550, refused: 'sender' })
    expect(smtp.messages).toHaveLength(0)
  })

  it('at RCPT TO only 5.1.x, 5.2.1 or a bare 550/551/553 makes the address gone; other refusals fail the one message', async () => {
    const cases: [string, number, string, string][] = [
      ['u1@home.example', 550, '5.1.1 <u1@home.example>: Recipient address rejected: User unknown', 'recipient-gone'],
      ['u2@home.example', 550, '5.2.1 Mailbox disabled', 'recipient-gone'],
      ['u3@home.example', 551, 'User not local', 'recipient-gone'],
      ['u4@home.example', 553, 'Mailbox name not allowed', 'recipient-gone'],
      ['u5@home.example', 552, '5.2.2 Mailbox full', 'rejected'],
      ['u6@home.example', 554, 'Transaction failed', 'rejected'],
      ['u7@home.example', 550, '5.4.4 Unable to route', 'rejected'],
    ]
    for (const [to, code, text] of cases) smtp.failRecipient(to, code, text)
    for (const [to, code, , kind] of cases) {
      const r = await channel.send(message(to))
      expect({ to, ...r }).toMatchObject({ to, ok: false, kind, code })
      expect(r.ok === false && r.refused).toBeUndefined()
    }
    expect(smtp.messages).toHaveLength(0)
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
    // After DATA a 5xx is the message's, never the address's.
    expect(mapSmtpError(Object.assign(new Error('Mailbox full'), { responseCode: 552, command: 'DATA' }))).toMatchObject({ kind: 'config', code: 552, refused: 'content' })
    // A server that refuses us at its greeting refuses everyone alike.
    const greeting = Object.assign(new Error('Invalid greeting'), { code: 'EPROTOCOL', responseCode: 554, command: 'CONN', response: '554 No SMTP service here' })
    expect(mapSmtpError(greeting)).toMatchObject({ kind: 'config', code: 554, refused: 'relay' })
  })

  it('reads the enhanced status code that starts a reply, on a single or a continued line', () => {
    expect(enhancedStatus('550 5.7.1 Relaying denied')).toEqual({ klass: 5, subject: 7, detail: 1 })
    expect(enhancedStatus('550-5.1.1 The email account does not exist\n550 5.1.1 Try again')).toEqual({ klass: 5, subject: 1, detail: 1 })
    expect(enhancedStatus('552 5.2.2')).toEqual({ klass: 5, subject: 2, detail: 2 })
    for (const none of ['550 No such user', '550 5.7 partial', '550 15.7.1 odd', '', undefined]) expect(enhancedStatus(none)).toBeNull()
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
