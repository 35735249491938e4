/** Catalogue section: SMS deliveries (the pipeline's SMS driver, short links, quiet hours). Spread into the one catalogue in ../messages.ts. */
export const smsDeliveryMessages = {
  'delivery.reason.notConfigured.sms': {
    zh: '短信渠道未配置（缺少 SMS_ACCESS_KEY_ID、SMS_ACCESS_KEY_SECRET、SMS_SIGN_NAME、短信模板或单价），本次未发送短信。',
    en: 'SMS is not configured (access key, secret, sign name, templates or price missing); nothing was sent.',
  },
  'home.channel.notConfigured.sms': { zh: '短信通道未配置，请联系管理员。', en: 'SMS is not set up; ask an administrator.' },
  'col.sms-links.singular': { zh: '短信短链接', en: 'SMS short link' },
  'col.sms-links.plural': { zh: '短信短链接', en: 'SMS short links' },
  'delivery.reason.noChangeTemplate.sms': {
    zh: '短信更正/撤回通知模板未配置（缺少 SMS_TEMPLATE_CHANGE），本次未发送短信通知。',
    en: 'The SMS template for correction and withdrawal notices (SMS_TEMPLATE_CHANGE) is not set; no SMS notice was sent.',
  },
  'delivery.reason.goneStreak.sms': {
    zh: '连续 {count} 个号码被同一答复拒收（{code}），更像是短信服务商的问题，已暂停，这 {count} 个号码已恢复短信接收。请联系短信服务商后点击继续。',
    en: '{count} numbers in a row were refused with the same reply ({code}), more likely the SMS provider’s fault; paused, and SMS was given back to those {count}. Ask the SMS provider, then resume.',
  },
  'sms.detail.default': { zh: '请点击链接查看详情。', en: 'Open the link for details.' },
  'home.setup.channel.missing.sms': {
    zh: '未配置（短信为付费服务，可不开通）：如需开通，请在服务器环境中设置 SMS_ACCESS_KEY_ID、SMS_ACCESS_KEY_SECRET、SMS_SIGN_NAME、SMS_TEMPLATE_NOTICE、SMS_TEMPLATE_URGENT 和 SMS_PRICE_PER_SEGMENT（见 docs/channels.md）。',
    en: 'Not configured (SMS is a paid service and optional): to use it, set the SMS_* variables in the server environment (docs/channels.md).',
  },
  'audience.channel.sms': { zh: '短信：{count} 位居民', en: 'SMS: {count} residents' },
  'audience.channel.smsCost': { zh: '（共 {segments} 条计费短信，约 {cost} 元）', en: ' ({segments} billed segments, about {cost} yuan)' },
  'readership.channel.sms': { zh: '短信', en: 'Text message' },
  'field.smsTopics': { zh: '短信接收的内容类型（紧急通知总会发送）', en: 'Content types by text message (urgent notices always)' },
  'settings.sms.quiet': { zh: '短信免打扰时段', en: 'SMS quiet hours' },
  'settings.sms.quietStart': { zh: '免打扰开始（时）', en: 'Quiet from (hour)' },
  'settings.sms.quietEnd': { zh: '免打扰结束（时）', en: 'Quiet until (hour)' },
  'settings.sms.quietHelp': {
    zh: '按街道时间计。非紧急短信在此时段内不发送，顺延到时段结束；紧急通知立即发送。',
    en: 'Street time. Non-urgent text messages wait until the quiet hours end; urgent ones go at once.',
  },
  'sms.link.notFound.title': { zh: '链接无效', en: 'Link not found' },
  'sms.link.notFound.body': { zh: '这个短信链接不存在或已失效。请打开街道网站查看最新内容。', en: 'This text message link does not exist or has expired.' },
  'sms.link.home': { zh: '返回首页', en: 'Home' },
} as const
