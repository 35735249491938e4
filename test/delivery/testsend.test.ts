import type { Payload, PayloadRequest } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { closeDeliveryChannels } from '../../src/delivery/channels'
import { testSendEndpoint } from '../../src/delivery/endpoints'
import { smallStreet } from '../support/fixtures'
import { testPayload } from '../support/payload'
import { startSmtpServer, type SmtpTestServer } from '../support/smtp-server'
import { headerOf, hrefsIn } from '../subscribe/support'
import { deliveriesOf, richBody } from './support'

/** Test-send of a content's email to one address, before publishing. */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let smtp: SmtpTestServer

const call = async (user: unknown, body: unknown) => {
  const res = await testSendEndpoint({ payload, user, json: async () => body, i18n: { language: 'zh' } } as unknown as PayloadRequest)
  return { status: res.status, body: (await res.json()) as { ok?: boolean; message: string; errors?: { field: string; message: string }[] } }
}

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  smtp = await startSmtpServer()
  process.env.SMTP_URL = smtp.url
  process.env.MAIL_FROM = '聚焦徐碧 <news@street.test>'
})

afterAll(async () => {
  await closeDeliveryChannels()
  await smtp?.close()
  await payload?.destroy()
})

describe('test-send', () => {
  it('sends the email of a draft to one address, marked as a test, and records no delivery', async () => {
    const draft = await payload.create({
      collection: 'announcements',
      data: { title: '停电通知', grids: [street.gridA1.id], body: richBody('周六上午停电检修'), _status: 'draft' } as never,
      overrideAccess: true,
      draft: true,
    })
    const r = await call(street.editor, { collection: 'announcements', id: draft.id, to: 'Editor@Mail.test' })
    expect(r).toMatchObject({ status: 200, body: { ok: true, message: '测试邮件已发送至 editor@mail.test。' } })
    await smtp.waitFor(1, 10_000)
    const m = smtp.messages[0]
    expect(m.envelope.to).toEqual(['editor@mail.test'])
    expect(m.parsed!.subject).toBe('【测试】停电通知')
    expect(m.parsed!.html).toContain('周六上午停电检修')
    expect(headerOf(m, 'List-Unsubscribe')).toBe('<http://127.0.0.1:3000/subscribe>')
    expect(hrefsIn(m)).toContain('http://127.0.0.1:3000/subscribe')
    expect(await deliveriesOf(payload, 'announcements', draft.id)).toHaveLength(0)
  })

  it('bad input is refused with the field named in Chinese; only editors; unknown content is 404', async () => {
    const bad = await call(street.editor, { collection: 'pages', id: '', to: 'not-an-address' })
    expect(bad.status).toBe(400)
    expect(bad.body.errors).toEqual([
      { field: 'collection', message: '内容类型必须是期刊、活动、政策解读或网格公告之一。' },
      { field: 'id', message: '请指明要测试发送的内容。' },
      { field: 'to', message: '请填写一个有效的邮箱地址。' },
    ])
    // A channel whose driver has no test-send (WeChat publishes to every follower) is refused by name.
    for (const channel of ['wechat', 42]) {
      const refused = await call(street.editor, { collection: 'issues', id: 1, channel, to: 'a@mail.test' })
      expect(refused.status).toBe(400)
      expect(refused.body.errors).toEqual([{ field: 'channel', message: '测试发送的渠道只能是电子邮件、网页推送或短信。' }])
    }
    // SMS has one (test/delivery/testsend-sms.test.ts): it wants a number, not an address.
    const noNumber = await call(street.editor, { collection: 'issues', id: 1, channel: 'sms', to: 'a@mail.test' })
    expect(noNumber.status).toBe(400)
    expect(noNumber.body.errors).toEqual([{ field: 'phone', message: '请填写一个有效的中国大陆手机号码（11 位，1 开头）。' }])
    expect((await call(street.leaderA, { collection: 'issues', id: 1, to: 'a@mail.test' })).status).toBe(403)
    expect((await call(null, { collection: 'issues', id: 1, to: 'a@mail.test' })).status).toBe(403)
    const missing = await call(street.editor, { collection: 'issues', id: payload.db.name === 'mongoose' ? '0123456789abcdef01234567' : 999999, to: 'a@mail.test' })
    expect(missing.status).toBe(404)
    expect(missing.body.message).toBe('找不到这条内容。')
  })

  it('a permanent refusal comes back as a Chinese explanation with the server code', async () => {
    const issue = await payload.create({
      collection: 'issues',
      data: { title: '测试期刊', articles: [{ title: 'a', body: richBody('x') }], _status: 'draft' } as never,
      overrideAccess: true,
      draft: true,
    })
    smtp.failRecipient('gone@mail.test', 550, 'No such user')
    const r = await call(street.editor, { collection: 'issues', id: issue.id, to: 'gone@mail.test' })
    expect(r.status).toBe(502)
    expect(r.body.message).toBe('测试邮件未能发出：收件服务器拒收了这个地址（550）')
  })
})
