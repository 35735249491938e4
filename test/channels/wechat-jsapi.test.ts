import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { jsapiConfig, jsapiSignature, WechatClient } from '../../src/channels/wechat'
import { startWechatEmulator, type WechatEmulator } from '../support/wechat-emulator'

describe('wx.config signature', () => {
  it("matches the JS-SDK documentation's example (附录1)", () => {
    const example = {
      nonceStr: 'Wm3WZYTPz0wzccnW',
      ticket: 'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg',
      timestamp: 1414587457,
      url: 'http://mp.weixin.qq.com?params=value',
    }
    expect(jsapiSignature(example)).toBe('0f9de62fce790f9a083d5c99e95740ceb90c27ed')
    // The part after # is not signed: the page's address as the browser shows it, without it.
    expect(jsapiSignature({ ...example, url: `${example.url}#a2` })).toBe('0f9de62fce790f9a083d5c99e95740ceb90c27ed')
    expect(jsapiSignature({ ...example, timestamp: 1414587458 })).not.toBe('0f9de62fce790f9a083d5c99e95740ceb90c27ed')
  })

  it('makes a fresh nonce for each config, the timestamp in seconds', () => {
    const a = jsapiConfig('wx1', 'T', 'https://street.example/issues/3', 1_700_000_000_123)
    const b = jsapiConfig('wx1', 'T', 'https://street.example/issues/3', 1_700_000_000_123)
    expect(a.timestamp).toBe(1_700_000_000)
    expect(a.nonceStr).not.toBe(b.nonceStr)
    expect(a.nonceStr).toMatch(/^[A-Za-z0-9_-]{16}$/)
    expect(a.signature).toBe(jsapiSignature({ ticket: 'T', nonceStr: a.nonceStr, timestamp: a.timestamp, url: 'https://street.example/issues/3' }))
  })
})

describe('jsapi_ticket against the emulator', () => {
  let emu: WechatEmulator
  beforeAll(async () => {
    emu = await startWechatEmulator()
  })
  afterAll(async () => {
    await emu?.close()
  })

  const newClient = () => new WechatClient({ appId: emu.appId, appSecret: emu.appSecret, baseUrl: emu.url, now: emu.now })

  it('is fetched once for concurrent callers and cached', async () => {
    emu.reset()
    const client = newClient()
    const [a, b, c] = await Promise.all([client.jsapiTicket(), client.jsapiTicket(), client.jsapiTicket()])
    expect(a).toBe(b)
    expect(a).toBe(c)
    expect(await client.jsapiTicket()).toBe(a)
    expect(client.ticketFetches).toBe(1)
    expect(emu.ticketsIssued).toBe(1)
    expect(emu.calls.filter((x) => x.path === '/cgi-bin/ticket/getticket')).toHaveLength(1)
  })

  it('is renewed in its last 5 minutes, and a config signed with it is accepted', async () => {
    emu.reset()
    const client = newClient()
    const first = await client.jsapiTicket()
    emu.advance(7200 - 301)
    expect(await client.jsapiTicket()).toBe(first)
    emu.advance(2)
    const second = await client.jsapiTicket()
    expect(second).not.toBe(first)
    expect(client.ticketFetches).toBe(2)
    const url = 'https://street.example/events/5?from=singlemessage'
    const config = jsapiConfig(emu.appId, second, url, emu.now())
    expect(emu.verifyJsSignature({ url, ...config })).toBe(true)
    expect(emu.verifyJsSignature({ url: `${url}&x=1`, ...config })).toBe(false)
    // The old ticket lives to its end, then a config signed with it is refused.
    const old = jsapiConfig(emu.appId, first, url, emu.now())
    expect(emu.verifyJsSignature({ url, ...old })).toBe(true)
    emu.advance(300)
    expect(emu.verifyJsSignature({ url, ...old })).toBe(false)
  })

  it('survives a replaced access token: fetched again and retried once', async () => {
    emu.reset()
    const client = newClient()
    await client.jsapiTicket()
    emu.rotateToken()
    client.forgetJsapiTicket()
    const ticket = await client.jsapiTicket()
    expect(ticket).toBeTruthy()
    expect(client.tokenFetches).toBe(2)
    expect(emu.calls.filter((x) => x.path === '/cgi-bin/ticket/getticket').map((x) => x.errcode)).toEqual([0, 40001, 0])
  })

  it('answers getticket only to GET with the token, as the platform does', async () => {
    emu.reset()
    const post = await (await fetch(`${emu.url}/cgi-bin/ticket/getticket?type=jsapi`, { method: 'POST', body: '{}' })).json()
    expect(post.errcode).toBe(43001)
    const none = await (await fetch(`${emu.url}/cgi-bin/ticket/getticket?type=jsapi`)).json()
    expect(none.errcode).toBe(41001)
  })
})
