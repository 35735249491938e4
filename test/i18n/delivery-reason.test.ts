import { describe, expect, it } from 'vitest'

import { notConfiguredFor, reasonFor } from '../../src/i18n/deliveryReason'
import { t } from '../../src/i18n/messages'

/** A delivery's reason as each viewer reads it: the server's setting names are for admins only. */
describe('reasonFor', () => {
  it('tells an editor whom to ask where the reason names a setting, and leaves every other reason alone', () => {
    const missing = t('delivery.reason.notConfigured.email')
    expect(missing).toContain('SMTP_URL')
    expect(reasonFor(missing, 'email', false, 'zh')).toBe('邮件通道未配置，请联系管理员。')
    expect(reasonFor(missing, 'email', true, 'zh')).toBe(missing)
    expect(reasonFor(t('delivery.reason.notConfigured.wechat'), 'wechat', false, 'zh')).toBe('微信公众号通道未配置，请联系管理员。')
    expect(reasonFor(t('delivery.reason.pausedByEditor'), 'webpush', false, 'zh')).toBe('编辑已暂停发送。')
    expect(reasonFor(null, 'email', false, 'zh')).toBeNull()
    expect(notConfiguredFor('webpush', false, 'en')).toBe('Web push is not set up; ask an administrator.')
    expect(notConfiguredFor('webpush', true, 'zh')).toContain('VAPID_PRIVATE_KEY')
  })
})
