import { createLocalReq, type ServerProps } from 'payload'

import { awaitingOnce } from '../hooks/reviewQueue'
import { type MessageKey, t } from '../i18n/messages'
import { sharePageContext } from './pageContext'

/** A filter as the admin's list reads it from its address (where[and][0][review.status][equals]=pending). */
function toQuery(value: unknown, prefix: string): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => toQuery(v, `${prefix}[${i}]`))
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => toQuery(v, `${prefix}[${k}]`))
  return [`${encodeURIComponent(prefix)}=${encodeURIComponent(String(value))}`]
}

/**
 * 待审核 in the admin's navigation: how many contents await this user's
 * review step, linking to each content type's list filtered to them. Shown
 * only when something awaits.
 */
export default async function ReviewAwaitingLink({ user, i18n, payload }: ServerProps) {
  if (!payload || !(user as { role?: string } | undefined)?.role) return null
  const lang = i18n?.language === 'en' ? 'en' : 'zh'
  const admin = payload.config.routes?.admin ?? '/admin'
  // The page's 待审核 result, shared with the home's card (one query per content type per page).
  const req = sharePageContext(await createLocalReq({ user: user as never }, payload))
  const awaiting = await awaitingOnce(req).catch((err: unknown) => {
    payload.logger.warn({ err, component: 'review' }, 'could not count the content awaiting review')
    return []
  })
  if (!awaiting.length) return null
  const total = awaiting.reduce((n, a) => n + a.count, 0)
  return (
    <div className="nav-group" id="nav-review-awaiting">
      <div className="nav-group__label">
        {t('review.nav.awaiting', lang)}（{total}）
      </div>
      {awaiting.map((a) => (
        <a key={a.slug} className="nav__link" id={`nav-review-${a.slug}`} href={`${admin}/collections/${a.slug}?${toQuery(a.where, 'where').join('&')}`}>
          <span className="nav__link-label">
            {t(`col.${a.slug}.plural` as MessageKey, lang)}（{a.count}）
          </span>
        </a>
      ))}
    </div>
  )
}
