import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { closeStaffMail, staffMailIdle } from '../../src/server/staffMailer'
import { body, PASSWORD, smallStreet } from '../support/fixtures'
import { gql, rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'
import { type ReceivedMail, type SmtpTestServer, startSmtpServer } from '../support/smtp-server'

/**
 * Forgot-password and Payload's own staff mail (issue 10, items 5 and 6).
 *
 * On SQLite the forgot-password operation wrote outside its own open
 * transaction and waited for the write turn that transaction held: every
 * request held the turn for the 15 s busy timeout and failed, and every
 * editor's save queued behind it. That part is about SQLite's write turn
 * (src/store/sqlite.ts); MongoDB has none, and the same assertions must hold
 * there too.
 */
const MAIL_FROM = '街道资讯 <noreply@street.test>'
const BASE = process.env.PUBLIC_URL!.replace(/\/+$/, '')

let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let smtp: SmtpTestServer

beforeAll(async () => {
  smtp = await startSmtpServer()
  process.env.SMTP_URL = smtp.url
  process.env.MAIL_FROM = MAIL_FROM
  payload = await testPayload()
  street = await smallStreet(payload)
})

afterAll(async () => {
  await closeStaffMail()
  await smtp?.close()
})

const mailsTo = (address: string) => smtp.messages.filter((m) => m.envelope.to.includes(address))
const linkIn = (mail: ReceivedMail) => {
  const m = new RegExp(`${BASE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/admin/reset/([0-9a-f]{40})`).exec(mail.parsed?.text ?? '')
  if (!m) throw new Error(`no reset link in: ${mail.parsed?.text}`)
  return { url: m[0], token: m[1] }
}
async function waitForMailTo(address: string, count = 1, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs
  while (mailsTo(address).length < count) {
    if (Date.now() > deadline) throw new Error(`no mail to ${address} after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return mailsTo(address)[count - 1]
}

describe('forgot-password never freezes writes', () => {
  it('20 requests from distinct addresses in 2 s while an editor saves: saves go through, same answers, mail after the answer', async () => {
    const editorToken = await tokenFor(payload, street.editor.email, PASSWORD)
    const draft = await rest('POST', 'policies', {
      token: editorToken,
      body: { title: '草稿', issuingBody: '区民政局', summary: '通俗解读', body: body('正文') },
    })
    expect(draft.status).toBe(201)
    const known = [street.editor, street.staffA, street.leaderA, street.leaderB].map((u) => u.email)
    const addresses = [...known, ...known, ...Array.from({ length: 12 }, (_, i) => `nobody-${i}@street.test`)]
    expect(addresses).toHaveLength(20)

    // A slow SMTP server: nothing is accepted until released. Answers must not wait for it.
    const release = smtp.hold()
    const saves: { status: number; ms: number }[] = []
    let burstDone = false
    const saving = (async () => {
      for (let i = 0; !burstDone || i < 3; i++) {
        // An editor saving every 100 ms or so. (On SQLite a save is all synchronous driver calls and
        // promise callbacks: back to back, they would never let the timers below run.)
        await new Promise((r) => setTimeout(r, 100))
        const started = Date.now()
        const r = await rest('PATCH', `policies/${draft.body.doc.id}`, { token: editorToken, body: { title: `草稿 ${i}` } })
        saves.push({ status: r.status, ms: Date.now() - started })
      }
    })()
    const started = Date.now()
    const answers = await Promise.all(
      addresses.map(async (email, i) => {
        await new Promise((r) => setTimeout(r, i * 90)) // spread over about 2 s
        const r = await rest('POST', 'users/forgot-password', { body: { email }, from: `198.51.100.${10 + i}` })
        return { ...r, email, at: Date.now() - started }
      }),
    )
    burstDone = true
    await saving
    // Every answer came while the SMTP server still held every mail.
    expect(smtp.messages).toHaveLength(0)
    release()

    expect(answers.map((a) => a.status)).toEqual(addresses.map(() => 200))
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1)
    // 15 s was the write turn's busy timeout that every request used to wait out.
    expect(Math.max(...answers.map((a) => a.at))).toBeLessThan(10_000)
    expect(saves.length).toBeGreaterThanOrEqual(3)
    expect(saves.every((s) => s.status === 200)).toBe(true)
    expect(Math.max(...saves.map((s) => s.ms))).toBeLessThan(5_000)

    // One mail per known account (Payload sends one per account per 15 s), none to unknown addresses.
    await smtp.waitFor(known.length, 20_000)
    await staffMailIdle()
    for (const email of known) expect(mailsTo(email)).toHaveLength(1)
    expect(smtp.messages.filter((m) => m.envelope.to.some((to) => to.startsWith('nobody-')))).toHaveLength(0)
  })

  it('through GraphQL too (forgotPasswordUser): answered at once, an editor\'s save right after goes through, the mail comes', async () => {
    // GraphQL hands the operation a view of the request (its own transactionID): the writes made outside
    // that transaction (the rate-limit places, Payload's reservation) are views of that view.
    const email = 'graphql-forgot@test.local'
    await payload.create({ collection: 'users', data: { email, password: PASSWORD, name: '李明', role: 'editor' }, overrideAccess: true })
    const editorToken = await tokenFor(payload, street.editor.email, PASSWORD)
    const started = Date.now()
    const r = await gql('mutation Forgot($email: String!) { forgotPasswordUser(email: $email) }', { email }, { from: '198.51.100.201' })
    const answeredIn = Date.now() - started
    expect(r.body.errors, JSON.stringify(r.body)).toBeUndefined()
    expect(r.body.data).toEqual({ forgotPasswordUser: true })
    expect(answeredIn).toBeLessThan(5_000)
    const saveStarted = Date.now()
    const save = await rest('POST', 'policies', { token: editorToken, body: { title: '草稿（GraphQL 之后）', issuingBody: '区民政局', summary: '通俗解读', body: body('正文') } })
    expect(save.status, JSON.stringify(save.body)).toBe(201)
    expect(Date.now() - saveStarted).toBeLessThan(5_000)
    await waitForMailTo(email)
    await staffMailIdle()
  })

  it('is limited per account and per client address, known or not, with the same 429 in Chinese', async () => {
    const statuses = async (email: string, from: (i: number) => string, n: number) => {
      const out: { status: number; body: any; retryAfter: string | null }[] = []
      for (let i = 0; i < n; i++) {
        const r = await rest('POST', 'users/forgot-password', { body: { email }, from: from(i) })
        out.push({ status: r.status, body: r.body, retryAfter: r.headers.get('retry-after') })
      }
      return out
    }
    // Per account: five in a burst, from five addresses; the sixth is refused, for a known and an unknown account alike.
    const knownRun = await statuses(street.admin.email, (i) => `203.0.113.${i + 1}`, 6)
    const unknownRun = await statuses('no-such-staff@street.test', (i) => `203.0.113.${i + 21}`, 6)
    for (const run of [knownRun, unknownRun]) {
      expect(run.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429])
      expect(run[5].body.errors[0].message).toMatch(/找回密码的请求过多，请 \d+ 分钟后再试。/)
      expect(Number(run[5].retryAfter)).toBeGreaterThan(0)
    }
    // Each account's window starts at its own first request, so the minutes left may differ by one as a
    // minute boundary passes between the two runs; everything else in the answer must be the same.
    const minutesOf = (r: { body: any }) => Number(/请 (\d+) 分钟/.exec(r.body.errors[0].message)![1])
    const shape = (r: { body: any }) => JSON.stringify(r.body).replace(/\d+/g, 'N')
    expect(shape(knownRun[5])).toBe(shape(unknownRun[5]))
    expect(Math.abs(minutesOf(knownRun[5]) - minutesOf(unknownRun[5]))).toBeLessThanOrEqual(1)
    // Per client address: ten, whatever the addresses asked for; the eleventh is refused.
    const oneClient = []
    for (let i = 0; i < 11; i++) oneClient.push((await rest('POST', 'users/forgot-password', { body: { email: `someone-${i}@street.test` }, from: '192.0.2.77' })).status)
    expect(oneClient).toEqual([...Array(10).fill(200), 429])
  })
})

describe('staff mail: the reset link works end to end, in Chinese', () => {
  it('request, mail, link, new password (checked against the rules), sign in with it', async () => {
    const email = 'reset-me@test.local'
    await payload.create({ collection: 'users', data: { email, password: PASSWORD, name: '王芳', role: 'editor' }, overrideAccess: true })
    const asked = await rest('POST', 'users/forgot-password', { body: { email }, from: '198.51.100.200' })
    expect(asked.status).toBe(200)
    const mail = await waitForMailTo(email)
    expect(mail.parsed?.from?.value[0]).toMatchObject({ address: 'noreply@street.test', name: '街道资讯' })
    expect(mail.parsed?.subject).toBe('重置您的街道资讯后台登录密码')
    expect(mail.parsed?.text).toContain('王芳，您好：')
    expect(mail.parsed?.text).toContain('链接 60 分钟内有效，只能使用一次。')
    const { url, token } = linkIn(mail)
    expect(mail.parsed?.html).toContain(`href="${url}"`)

    // The admin's reset page (the link) posts the token and the new password to this endpoint.
    const weak = await rest('POST', 'users/reset-password', { body: { token, password: 'abcdefgh' } })
    expect(weak.status).toBe(400)
    expect(JSON.stringify(weak.body)).toContain('密码至少需要 10 个字符。')
    const set = await rest('POST', 'users/reset-password', { body: { token, password: 'new-password-2026' } })
    expect(set.status).toBe(200)
    expect((await rest('POST', 'users/login', { body: { email, password: 'new-password-2026' }, from: '198.51.100.201' })).status).toBe(200)
    expect((await rest('POST', 'users/login', { body: { email, password: PASSWORD }, from: '198.51.100.201' })).status).toBe(401)
    // The link works once.
    expect((await rest('POST', 'users/reset-password', { body: { token, password: 'another-password-1' } })).status).toBe(403)
  })

  it('an admin can create an account that gets a set-password mail instead of a password', async () => {
    const adminToken = await tokenFor(payload, street.admin.email, PASSWORD)
    const email = 'new-leader@test.local'
    // The admin's form has to send some password; it is not the account's password.
    const created = await rest('POST', 'users', {
      token: adminToken,
      body: { email, name: '赵强', role: 'grid-leader', grids: [street.gridA2.id], sendSetPasswordMail: true, password: 'form-filler-123' },
    })
    expect(created.status).toBe(201)
    expect(created.body.doc.sendSetPasswordMail).toBeUndefined()
    const mail = await waitForMailTo(email)
    expect(mail.parsed?.subject).toBe('请设置您的街道资讯后台登录密码')
    expect(mail.parsed?.text).toContain(`登录邮箱 ${email}，角色：网格长`)
    expect(mail.parsed?.text).toContain('链接 72 小时内有效')
    const { token } = linkIn(mail)
    expect((await rest('POST', 'users/login', { body: { email, password: 'form-filler-123' }, from: '198.51.100.202' })).status).toBe(401)
    expect((await rest('POST', 'users/reset-password', { body: { token, password: 'my-own-password-7' } })).status).toBe(200)
    const signedIn = await rest('POST', 'users/login', { body: { email, password: 'my-own-password-7' }, from: '198.51.100.202' })
    expect(signedIn.status).toBe(200)
    expect(signedIn.body.user.role).toBe('grid-leader')

    // Over REST no password need be sent at all.
    const bare = await rest('POST', 'users', { token: adminToken, body: { email: 'no-password@test.local', name: '钱七', role: 'editor', sendSetPasswordMail: true } })
    expect(bare.status).toBe(201)
    expect((await waitForMailTo('no-password@test.local')).parsed?.subject).toBe('请设置您的街道资讯后台登录密码')
  })
})
