/** Catalogue section: SMS reports, replies, budget and the month's view. Spread into the one catalogue in ../messages.ts. */
export const smsMessages = {
  'consentMethod.sms-reply': { zh: '短信回复退订', en: 'SMS reply (TD)' },
  'sms.reply.evidence': { zh: '短信回复“{reply}”：不再接收短信，其他渠道照常。', en: 'Replied "{reply}" by SMS: no more text messages; other channels stay.' },
  'sms.callback.ok': { zh: '成功', en: 'OK' },
  'sms.callback.malformed': { zh: '推送内容不是 JSON 数组。', en: 'The push is not a JSON array.' },
  'sms.callback.tooMany': { zh: '推送太频繁，请稍后重推。', en: 'Too many pushes; push again later.' },
  'sms.callback.failed': { zh: '处理失败，请稍后重推。', en: 'Could not be processed; push again later.' },
}
