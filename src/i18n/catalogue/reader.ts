/** Catalogue section: reader. Spread into the one catalogue in ../messages.ts. */
export const readerMessages = {
  'reader.prevNext': { zh: '上一篇和下一篇', en: 'Previous and next' },
  'reader.prev': { zh: '上一篇', en: 'Previous' },
  'reader.next': { zh: '下一篇', en: 'Next' },
  'reader.prevIssue': { zh: '上一期', en: 'Previous issue' },
  'reader.nextIssue': { zh: '下一期', en: 'Next issue' },
  'reader.backToContents': { zh: '回到目录', en: 'Back to contents' },
  'reader.followHint': { zh: '长按识别二维码，或在微信中搜索“{name}”，新内容第一时间送达。', en: 'Press and hold the QR code, or search for “{name}” in WeChat, to get new content first.' },
  'reader.source': { zh: '来源：{source}', en: 'Source: {source}' },
  'reader.published': { zh: '发布时间：{date}', en: 'Published: {date}' },
  'settings.wechatJsSdk': { zh: '网页在微信中打开时设置分享卡片（JS-SDK）', en: 'Set the share card when pages open in WeChat (JS-SDK)' },
  'settings.wechatJsSdk.description': {
    zh: '仅当公众号已认证、已在公众号后台“设置与开发 → 公众号设置 → 功能设置”中登记本站域名为“JS接口安全域名”，且服务器已配置 WECHAT_APP_ID 与 WECHAT_APP_SECRET 时勾选。未勾选时，微信以网页标题和默认缩略图显示分享卡片。',
    en: 'Tick only when the account is verified, this site’s domain is registered as its JS safe domain (JS接口安全域名), and the server has WECHAT_APP_ID and WECHAT_APP_SECRET. Unticked, WeChat shows the page title with a default thumbnail.',
  },
} satisfies Record<string, { zh: string; en: string }>
