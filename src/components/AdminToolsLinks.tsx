import type { ServerProps } from 'payload'

import { t } from '../i18n/messages'

/**
 * Links from the admin's side navigation to the staff tools served by the
 * site (src/site/subscribeAdmin.ts): every staff member has their grids'
 * share kits; admins also the subscriber import and export.
 */
export default function AdminToolsLinks({ user, i18n }: ServerProps) {
  const role = (user as { role?: string } | undefined)?.role
  if (!role) return null
  const lang = i18n?.language === 'en' ? 'en' : 'zh'
  return (
    <div className="nav-group" id="nav-admin-tools">
      <div className="nav-group__label">{t('tools.navGroup', lang)}</div>
      <a className="nav__link" id="nav-readership" href="/admin/readership">
        <span className="nav__link-label">{t('readership.title', lang)}</span>
      </a>
      <a className="nav__link" id="nav-share-kits" href="/admin-tools/share">
        <span className="nav__link-label">{t('tools.share.title', lang)}</span>
      </a>
      {role === 'admin' ? (
        <a className="nav__link" id="nav-subscriber-tools" href="/admin-tools/subscribers">
          <span className="nav__link-label">{t('tools.subscribers.title', lang)}</span>
        </a>
      ) : null}
    </div>
  )
}
