import { WechatClient } from '../../channels/wechat'
import { wechatAccount, wechatSettings } from '../../server/env'

/** WeChat's settings as the stages use them: the client of this process, and the wait between looks. */

/** The wait before the n-th look at something WeChat is still working on: doubling from the first poll, up to the longest. */
export function pollDelayMs(n: number): number {
  const { pollFirstMs, pollMaxMs } = wechatSettings()
  return Math.min(pollMaxMs, pollFirstMs * 2 ** Math.min(n, 20))
}

// ---------------------------------------------------------------------------
// The client of this process, made from the environment and kept (its token cache is worth keeping).

let cached: { key: string; client: WechatClient } | null = null

export function wechatClient(): WechatClient {
  const account = wechatAccount() ?? { appId: '', appSecret: '', apiBase: '' }
  const key = `${account.appId}|${account.appSecret}|${account.apiBase}`
  if (cached?.key !== key) {
    cached = {
      key,
      client: new WechatClient({ appId: account.appId, appSecret: account.appSecret, baseUrl: account.apiBase || undefined }),
    }
  }
  return cached.client
}

/** Forget this process's client (new settings, the end of a test): the next call fetches a token again. */
export function forgetWechatClient() {
  cached = null
}
