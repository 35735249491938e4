/** Catalogue section: SMS for staff (test-send by text message, restoring a number taken off SMS). Spread into the one catalogue in ../messages.ts. */
export const smsStaffMessages = {
  'testSend.error.phone': { zh: '请填写一个有效的中国大陆手机号码（11 位，1 开头）。', en: 'Enter a valid mainland China mobile number (11 digits starting with 1).' },
  'testSend.sms.title': { zh: '测试：{title}', en: 'Test: {title}' },
  'testSend.smsSent': { zh: '测试短信已发送至 {phone}。', en: 'Test text message sent to {phone}.' },
  'testSend.smsFailed': { zh: '测试短信未能发出：{reason}（{code}）', en: 'The test text message was not sent: {reason} ({code})' },
  'testSend.smsRefused': { zh: '短信服务商表示这个号码无法接收短信', en: 'the SMS provider says this number cannot receive text messages' },
  'testSend.rateLimited': {
    zh: '测试短信发送过于频繁，请 {seconds} 秒后再试。每条短信都要计费，测试次数有上限。',
    en: 'Too many test text messages; try again in {seconds} seconds. Each message is paid for, so tests are limited.',
  },
  'panel.test.phone': { zh: '测试手机号', en: 'Test number' },
  'panel.test.sms': { zh: '发送测试短信', en: 'Send test SMS' },
  'panel.test.smsNote': { zh: '测试短信按正常短信计费。', en: 'A test text message is billed as any other.' },
  'smsOff.restored': { zh: '已为 {count} 位居民恢复短信接收。', en: 'Text messages restored for {count} residents.' },
  'audit.detail.restoreSmsOff': { zh: '为因回执或错误代码 {code} 停用短信的居民恢复短信 {count} 位', en: 'Text messages restored for {count} residents taken off SMS with code {code}' },
} as const
