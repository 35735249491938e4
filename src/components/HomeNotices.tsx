import type { StaffNoticeItem } from '../hooks/staffNotices'
import { type Lang, t } from '../i18n/messages'
import { formatDateTime } from '../templates/format'

/**
 * 我的通知 on the admin home (HomeBody.tsx): the user's newest in-admin
 * notices (their submission approved or returned, by whom, at which step,
 * with the comment), unread first marked; opening one marks it read
 * (GET /api/staff-notices/:id/open) and goes to the content.
 */
export function NoticesCard({ notices, api, lang }: { notices: { unread: number; items: StaffNoticeItem[] }; api: string; lang: Lang }) {
  return (
    <section className="home-card" id="home-notices" aria-labelledby="home-notices-title">
      <h2 id="home-notices-title">{t('staffNotice.card.title', lang, { n: notices.unread })}</h2>
      {notices.items.length ? (
        <ul>
          {notices.items.map((n) => (
            <li key={String(n.id)} data-kind={n.kind} data-unread={n.unread ? 'yes' : 'no'}>
              <a href={`${api}/staff-notices/${n.id}/open`}>
                {n.unread ? <strong>{n.line}</strong> : n.line}
              </a>
              {n.comment ? <div className="home-line">{t('staffNotice.comment', lang, { comment: n.comment })}</div> : null}
              <div className="home-meta">
                {n.unread ? <span className={`home-status home-status--${n.kind === 'returned' ? 'failed' : 'approved'}`}>{t('staffNotice.card.unread', lang)}</span> : null}
                {n.unread && n.createdAt ? ' · ' : ''}
                {n.createdAt ? formatDateTime(n.createdAt) : ''}
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('staffNotice.card.none', lang)}</p>
      )}
    </section>
  )
}
