import type { ServerProps } from 'payload'

import { t } from '../i18n/messages'

/**
 * The admin's own views in its side navigation (Payload lists collections
 * and globals only): 阅读统计, every staff member's share kits
 * (/admin/readership/share), for editors the mass-send plan
 * (/admin/wechat-plan), 文件与解读 (/admin/policy-links) and 本月短信
 * (/admin/sms-month), and for admins the
 * subscriber import and export (/admin/subscriber-tools), the street's
 * (/admin/street-tools) and the inspection report (/admin/inspection).
 */
export default function AdminToolsLinks({ user, i18n, payload }: ServerProps) {
  const role = (user as { role?: string } | undefined)?.role
  if (!role) return null
  const lang = i18n?.language === 'en' ? 'en' : 'zh'
  const admin = payload?.config?.routes?.admin ?? '/admin'
  return (
    <div className="nav-group" id="nav-admin-tools">
      <div className="nav-group__label">{t('tools.navGroup', lang)}</div>
      <a className="nav__link" id="nav-readership" href={`${admin}/readership`}>
        <span className="nav__link-label">{t('readership.title', lang)}</span>
      </a>
      <a className="nav__link" id="nav-relay" href={`${admin}/relay`}>
        <span className="nav__link-label">{t('relayLeaders.view.link', lang)}</span>
      </a>
      <a className="nav__link" id="nav-share-kits" href={`${admin}/readership/share`}>
        <span className="nav__link-label">{t('tools.share.title', lang)}</span>
      </a>
      {role === 'admin' || role === 'editor' ? (
        <>
          <a className="nav__link" id="nav-wechat-plan" href={`${admin}/wechat-plan`}>
            <span className="nav__link-label">{t('previews.plan.title', lang)}</span>
          </a>
          <a className="nav__link" id="nav-policy-links" href={`${admin}/policy-links`}>
            <span className="nav__link-label">{t('tools.policyLinks', lang)}</span>
          </a>
          <a className="nav__link" id="nav-sms-month" href={`${admin}/sms-month`}>
            <span className="nav__link-label">{t('sms.month.title', lang)}</span>
          </a>
        </>
      ) : null}
      {role === 'admin' ? (
        <>
          <a className="nav__link" id="nav-subscriber-tools" href={`${admin}/subscriber-tools`}>
            <span className="nav__link-label">{t('tools.subscribers.title', lang)}</span>
          </a>
          <a className="nav__link" id="nav-street-tools" href={`${admin}/street-tools`}>
            <span className="nav__link-label">{t('tools.street.title', lang)}</span>
          </a>
          <a className="nav__link" id="nav-inspection" href={`${admin}/inspection`}>
            <span className="nav__link-label">{t('inspect.title', lang)}</span>
          </a>
        </>
      ) : null}
    </div>
  )
}
