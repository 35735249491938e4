/** Catalogue section: subscribing by mobile number (issue 17). Spread into the one catalogue in ../messages.ts. */
export const smsSubscribeMessages = {
  'field.mobileMasked': { zh: '手机号码（部分隐藏）', en: 'Mobile number (masked)' },
  'subscribe.channel.sms': { zh: '手机短信', en: 'Text message (SMS)' },
  'subscribe.mobileLabel': { zh: '手机号码', en: 'Mobile number' },
  'subscribe.mobileHint': {
    zh: '选择手机短信时填写。我们会发送一条6位验证码到这个号码，输入验证码后订阅才生效。只填手机号码时可以不填邮箱。',
    en: 'Needed for text messages. We send a 6-digit code to this number; the subscription starts when you enter it. With a number, email is optional.',
  },
  'subscribe.emailOptional': { zh: '只选择手机短信时可以不填。', en: 'Optional if you choose text messages only.' },
  'subscribe.error.mobileRequired': { zh: '手机号码：选择手机短信时请填写手机号码。', en: 'Mobile number: needed for text messages.' },
  'subscribe.error.mobileInvalid': {
    zh: '手机号码：请填写11位中国大陆手机号码，例如 13800000000。',
    en: 'Mobile number: enter an 11-digit mainland China mobile number, e.g. 13800000000.',
  },
  'subscribe.error.smsWithEmail': {
    zh: '接收方式：手机短信和电子邮件请分两次订阅（每种方式各自确认）。',
    en: 'How to receive: subscribe to text messages and email separately (each is confirmed on its own).',
  },
  'subscribe.error.codeRequired': { zh: '验证码：请输入短信中的6位验证码。', en: 'Code: enter the 6-digit code from the text message.' },
  'subscribe.error.codeWrong': { zh: '验证码：验证码不正确，还可以再试{left}次。', en: 'Code: wrong code; {left} tries left.' },
  'subscribe.error.codeExpired': { zh: '验证码：验证码已过期或已用完尝试次数，请重新获取。', en: 'Code: the code has expired or has no tries left; ask for a new one.' },
  'subscribe.error.challengeRequired': { zh: '人机验证：请回答下面的算术题。', en: 'Check: please answer the sum below.' },
  'subscribe.error.challengeWrong': { zh: '人机验证：答案不正确，请回答新的算术题。', en: 'Check: wrong answer; please answer the new sum.' },
  'subscribe.error.sendFailed': { zh: '手机号码：验证码短信没有发出（{reason}），请稍后再试。', en: 'Mobile number: the code could not be sent ({reason}); try again later.' },
  'subscribe.error.numberLimit': {
    zh: '手机号码：这个号码获取验证码太频繁，请{minutes}分钟后再试。',
    en: 'Mobile number: codes asked too often for this number; try again in {minutes} minutes.',
  },
  'subscribe.error.streetLimit': {
    zh: '手机号码：今天的短信验证码已经发完，请明天再试，或选择电子邮件。',
    en: "Mobile number: today's verification texts are used up; try tomorrow or choose email.",
  },
  'subscribe.challenge.label': { zh: '人机验证：{question}（请填写阿拉伯数字）', en: 'Check: {question} (answer in digits)' },
  'subscribe.challenge.question': { zh: '{a}加{b}等于几？', en: 'What is {a} plus {b}?' },
  'subscribe.code.title': { zh: '请输入短信验证码', en: 'Enter the code from the text message' },
  'subscribe.code.body': {
    zh: '验证码已发送到 {mobile}，10分钟内有效，最多可以输错5次。没有收到可以稍后重新获取。',
    en: 'A code went to {mobile}. It works for 10 minutes and 5 tries. Not received? Ask again later.',
  },
  'subscribe.code.label': { zh: '6位验证码', en: '6-digit code' },
  'subscribe.code.submit': { zh: '确认', en: 'Confirm' },
  'subscribe.code.again': { zh: '重新获取验证码', en: 'Ask for a new code' },
  'subscribe.manage.title': { zh: '用手机号码管理订阅', en: 'Manage a subscription by mobile number' },
  'subscribe.manage.intro': {
    zh: '用手机号码订阅的居民，输入手机号码并获取验证码后，可以修改订阅内容或退订。',
    en: 'Residents who subscribed by mobile number can change or end their subscription after a code check.',
  },
  'subscribe.manage.submit': { zh: '获取验证码', en: 'Send a code' },
  'subscribe.manage.link': { zh: '用手机号码订阅的，请点此管理订阅', en: 'Subscribed by mobile number? Manage it here' },
} as const
