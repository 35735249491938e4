import { createHash, randomBytes } from 'node:crypto'

/**
 * The JS-SDK's signed wx.config (微信 JS-SDK 说明文档, 附录1 签名算法): the
 * signature is the SHA-1 of
 * `jsapi_ticket=…&noncestr=…&timestamp=…&url=…`, fields in that (ASCII) order,
 * values as they are (no URL encoding), the URL of the page without its `#…`.
 */
export type JsapiSignInput = { ticket: string; nonceStr: string; timestamp: number; url: string }

export function jsapiSignature({ ticket, nonceStr, timestamp, url }: JsapiSignInput): string {
  const plain = `jsapi_ticket=${ticket}&noncestr=${nonceStr}&timestamp=${timestamp}&url=${url.split('#')[0]}`
  return createHash('sha1').update(plain, 'utf8').digest('hex')
}

/** What the page passes to wx.config (besides jsApiList). */
export type JsapiConfig = { appId: string; timestamp: number; nonceStr: string; signature: string }

/** A fresh config for one page URL: a random nonce, the current second. */
export function jsapiConfig(appId: string, ticket: string, url: string, now = Date.now()): JsapiConfig {
  const nonceStr = randomBytes(12).toString('base64url')
  const timestamp = Math.floor(now / 1000)
  return { appId, timestamp, nonceStr, signature: jsapiSignature({ ticket, nonceStr, timestamp, url }) }
}
