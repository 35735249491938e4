/**
 * WeChat's share card (src/site/wechatShare.ts): a page whose account may use
 * the JS-SDK carries this slot in its head; it is filled with the two scripts
 * only for a visitor in WeChat (user agent MicroMessenger), so every other
 * browser gets none of their bytes and the cached page stays one for all.
 */
export const WECHAT_SLOT = '<!--sn:wx-->'

/** The JS-SDK as WeChat's documentation gives it (it must come from WeChat's host), then our share script. */
export const JSSDK_URL = 'https://res.wx.qq.com/open/js/jweixin-1.6.0.js'
export const SHARE_SCRIPT = '/js/wx-share.js'

export const wechatScripts = (shareHref: string) => `<script src="${JSSDK_URL}" defer></script><script src="${shareHref}" defer></script>`
