import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { forgetWechatClient } from '../../src/delivery/wechat'
import { QUEUES } from '../../src/jobs/scheduler'
import { runQueue } from '../../src/jobs/runner'
import { type Id, PASSWORD, smallStreet } from '../support/fixtures'
import { rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'
import { startWechatEmulator, type WechatEmulator } from '../support/wechat-emulator'
import { deliveriesOf, richBody } from './support'
import { callsTo, runUntilSettled, stateOf, useEmulator } from './wechat-support'

/**
 * WeChat cannot replace a published article: a correction republish leaves
 * the article alone unless the editor asks to delete and republish it (the
 * publish dialog's box, the content's `wechatRepublish`); then the article is
 * deleted (the retraction job) and the corrected content is published again,
 * once per correction however often it is asked.
 */
let payload: Payload
let emu: WechatEmulator
let editorToken = ''

beforeAll(async () => {
  payload = await testPayload()
  const street = await smallStreet(payload)
  emu = await startWechatEmulator()
  useEmulator(emu)
  forgetWechatClient()
  emu.setPublishOutcome(0, 1)
  editorToken = await tokenFor(payload, street.editor.email, PASSWORD)
})

afterAll(async () => {
  await emu?.close()
  await payload?.destroy()
})

const wechatRows = async (id: Id) => (await deliveriesOf(payload, 'policies', id)).filter((d) => d.channel === 'wechat').sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt)))

describe('a correction on WeChat', () => {
  it('is not sent unless asked; asked, the article is deleted and the corrected content published again, once per correction', async () => {
    const created = await rest('POST', 'policies?depth=0', {
      token: editorToken,
      body: { title: '社区食堂开放时间', issuingBody: '街道办事处', summary: '每天中午开放。', body: richBody('每天中午开放。'), _status: 'published' },
    })
    expect(created.status).toBe(201)
    const id = created.body.doc.id as Id
    const [first] = await wechatRows(id)
    expect((await runUntilSettled(payload, first.id)).status).toBe('done')
    const articleId = stateOf((await wechatRows(id))[0]).articleId
    expect(articleId).toBeTruthy()
    const publishes = callsTo(emu, '/cgi-bin/freepublish/submit').length

    // A correction without asking: no new WeChat delivery, no call to WeChat.
    let r = await rest('PATCH', `policies/${id}?depth=0`, { token: editorToken, body: { summary: '每天中午十一点开放。', _status: 'published' } })
    expect(r.status).toBe(200)
    expect(await wechatRows(id)).toHaveLength(1)

    // Asked: the old article is deleted and the corrected content published again.
    r = await rest('PATCH', `policies/${id}?depth=0`, { token: editorToken, body: { summary: '每天中午十一点半开放。', _status: 'published', wechatRepublish: true } })
    expect(r.status).toBe(200)
    expect(r.body.doc.wechatRepublish).toBe(false)
    // Asked again for the same correction (the endpoint): still one.
    const again = await rest('POST', `policies/${id}/wechat-republish`, { token: editorToken })
    expect(again.status).toBe(200)
    expect(again.body.delivery).toBeNull()
    const rows = await wechatRows(id)
    expect(rows).toHaveLength(2)
    for (const queue of QUEUES) await runQueue(payload, queue)
    expect(callsTo(emu, '/cgi-bin/freepublish/delete')).toHaveLength(1)
    expect(stateOf((await wechatRows(id))[0]).deleted).toBe(true)
    expect((await runUntilSettled(payload, rows[1].id)).status).toBe('done')
    expect(callsTo(emu, '/cgi-bin/freepublish/submit')).toHaveLength(publishes + 1)
    const republished = stateOf((await wechatRows(id))[1])
    expect(republished.articleId).toBeTruthy()
    expect(republished.articleId).not.toBe(articleId)
  })
})
