import { createLocalReq, type ServerProps } from 'payload'

import { unreadCount } from '../hooks/staffNotices'
import { t } from '../i18n/messages'

/**
 * 未读通知（n） in the admin's navigation, like the 待审核 count
 * (ReviewAwaitingLink.tsx): the user's unread in-admin notices, linking to
 * the home where they are listed. Shown only when one is unread.
 */
export default async function StaffNoticesLink({ user, i18n, payload }: ServerProps) {
  if (!payload || !(user as { role?: string } | undefined)?.role) return null
  const lang = i18n?.language === 'en' ? 'en' : 'zh'
  const admin = payload.config.routes?.admin ?? '/admin'
  const req = await createLocalReq({ user: user as never }, payload)
  const unread = await unreadCount(req).catch((err: unknown) => {
    payload.logger.warn({ err, component: 'review' }, 'could not count the unread staff notices')
    return 0
  })
  if (!unread) return null
  return (
    <div className="nav-group" id="nav-staff-notices">
      <a className="nav__link" id="nav-staff-notices-link" href={`${admin}#home-notices`}>
        <span className="nav__link-label">
          {t('staffNotice.nav', lang)}（{unread}）
        </span>
      </a>
    </div>
  )
}
