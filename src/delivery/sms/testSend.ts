import { maskMobile, normalizeMobile } from '../../channels/sms'
import { failure, isFailure } from '../../channels/types'
import { t } from '../../i18n/messages'
import { smsBudgetStop } from '../../readership/smsSpend'
import { ruleFromEnv } from '../../server/env'
import { hitRateLimit } from '../../store/rateLimits'
import type { TestSender } from '../driver'
import { smsChannel } from './channel'
import { newShortCode, storeShortLinks } from './links'

/**
 * A test text message (issue 17): the content as its latest version stands,
 * from the template its delivery would use (urgent or notice), to a number
 * the editor types. Templates take no free text, so the test mark is the
 * start of the title parameter (测试：…), shortened with the title to fit
 * the segments as a resident's message is. Its short link is stored (under
 * the delivery `test-send`) and leads to the content's page without any read
 * token: a test is nobody's read.
 *
 * Each test is a paid message: per number (RATE_TEST_SEND_SMS, default 3 an
 * hour) and street-wide (RATE_TEST_SEND_SMS_STREET, default 30 a day), in the
 * database's rate limits (store/rateLimits.ts), answered 429 when passed; and
 * none goes once the month's SMS budget would be passed (a test is not counted
 * in the month's figures, which come from deliveries' messages).
 */
export const smsTestLimits = () => ({
  perNumber: ruleFromEnv('RATE_TEST_SEND_SMS', { limit: 3, windowMs: 3_600_000 }),
  street: ruleFromEnv('RATE_TEST_SEND_SMS_STREET', { limit: 30, windowMs: 86_400_000 }),
})

/** The failure code of a test-send over its limit (the endpoint answers 429 with the wait). */
export const TEST_SEND_RATE_LIMITED = 'test-send.rate-limited'

/** The short links of test messages are kept under this delivery id. */
export const TEST_SEND_DELIVERY = 'test-send'

export const smsTestSender: TestSender = {
  recipient(body, lang) {
    const phone = typeof body.phone === 'string' ? normalizeMobile(body.phone) : null
    if (!phone) return { errors: [{ field: 'phone', message: t('testSend.error.phone', lang) }] }
    return {
      recipient: {
        async send(payload, { collection, doc, base, url }) {
          const limits = smsTestLimits()
          for (const [name, subject, rule] of [
            ['test-send-sms', phone, limits.perNumber],
            ['test-send-sms-street', 'street', limits.street],
          ] as const) {
            const verdict = await hitRateLimit(payload, name, subject, rule)
            if (!verdict.ok) return failure('quota', TEST_SEND_RATE_LIMITED, `SMS test-send limit ${name}`, verdict.retryAfterSeconds * 1000)
          }
          const code = newShortCode()
          const title = t('testSend.sms.title', 'zh', { title: String(doc.title ?? '') })
          const urgent = !!doc.urgent
          const detail = typeof doc.summary === 'string' && doc.summary.trim() ? doc.summary : t('sms.detail.default')
          const sms = smsChannel().prepare({ to: phone, kind: urgent ? 'urgent' : 'notice', params: urgent ? { title, detail, code } : { title, code } })
          if (isFailure(sms)) return sms
          // A test is a paid message too: none once the month's budget would be passed.
          const over = await smsBudgetStop(payload, sms.segments)
          if (over) return { ...failure('quota', 'budget', 'the monthly SMS budget would be passed'), reason: over }
          await storeShortLinks(payload, TEST_SEND_DELIVERY, [{ code, target: url.startsWith(base) ? url.slice(base.length) || '/' : '/' }])
          payload.logger.info({ component: 'test-send', channel: 'sms', phone: maskMobile(phone), segments: sms.segments }, 'SMS test-send')
          return smsChannel().sendPrepared(sms)
        },
        sent: (l) => t('testSend.smsSent', l, { phone: maskMobile(phone) }),
        notSent: 'testSend.smsFailed',
        refused: () => 'testSend.smsRefused',
      },
    }
  },
}
