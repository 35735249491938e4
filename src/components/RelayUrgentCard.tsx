import { type Lang, t } from '../i18n/messages'
import type { LateContent } from '../readership/relayLate'

const telOf = (phone: string) => `tel:${phone.replace(/[^\d+]/g, '')}`

/**
 * The top of a grid leader's home (issue 18): the contents whose buildings'
 * heads have not confirmed in the time set in site settings, each with the
 * buildings to call (tel: links) and a link to the content's building list.
 */
export function RelayUrgentCard({ items, admin, lang }: { items: LateContent[]; admin: string; lang: Lang }) {
  if (!items.length) return null
  const total = items.reduce((n, c) => n + c.grids.reduce((m, g) => m + g.buildings.length, 0), 0)
  return (
    <section className="home-card home-urgent" id="home-relay-urgent" aria-labelledby="home-relay-urgent-title">
      <h2 id="home-relay-urgent-title">{t('relayLeaders.home.title', lang, { n: total })}</h2>
      {items.map((c) => {
        const n = c.grids.reduce((m, g) => m + g.buildings.length, 0)
        return (
          <div key={`${c.type}:${String(c.id)}`} className="home-urgent-item">
            <p>
              <a href={`${admin}/relay?content=${encodeURIComponent(`${c.type}:${String(c.id)}`)}`}>{t('relayLeaders.home.item', lang, { title: c.title, n, minutes: c.minutes })}</a>
            </p>
            <ul className="relay-list">
              {c.grids.flatMap((g) =>
                g.buildings.map((b) => (
                  <li key={`${g.code}:${b.code}`} className="relay-late">
                    <span className="relay-name">{b.name || b.code}</span>
                    <span className="relay-status">{b.head}</span>
                    {b.headPhone ? (
                      <a className="relay-call" href={telOf(b.headPhone)}>
                        {t('relayLeaders.view.call', lang)} {b.headPhone}
                      </a>
                    ) : (
                      <span>{t('relayLeaders.view.noPhone', lang)}</span>
                    )}
                  </li>
                )),
              )}
            </ul>
          </div>
        )
      })}
    </section>
  )
}
