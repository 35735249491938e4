import type { SubscribeKit } from '../collections/GridsShare'
import type { AwaitingItem } from '../hooks/reviewQueue'
import { type Lang, type MessageKey, t } from '../i18n/messages'
import type { ContentSlug } from '../model/content'
import type { ChannelState, ContentResult, DeliveryItem, GridCard, LeaderHome, Submission } from '../readership/home'
import type { SetupItem } from '../readership/homeSetup'
import { formatDateTime } from '../templates/format'
import { deliveryLabel } from './deliveryLabel'
import { HomeDeliveryActions } from './HomeDeliveryActions'
import { contentKey, contentName } from './ReadershipNames'

/**
 * The admin home's cards, plain functions of their data (src/readership/home*.ts)
 * so they render the same in the admin and in a test. One column on a phone:
 * every card shrinks to the screen and long words wrap.
 */
export const HOME_CSS = `
.home { padding-bottom: 3rem; max-width: 1200px; }
.home h1 { margin: 1.25rem 0 0.25rem; }
.home-hello { color: var(--theme-elevation-700); margin: 0 0 1rem; }
.home-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 22rem), 1fr)); grid-auto-flow: row dense; gap: 1rem; align-items: start; }
.home-card { min-width: 0; border: 1px solid var(--theme-elevation-150); border-radius: 8px; padding: 1rem; background: var(--theme-elevation-0); overflow-wrap: anywhere; }
.home-card--wide { grid-column: 1 / -1; }
.home-card h2 { margin: 0 0 0.75rem; font-size: 1.1rem; }
.home-card ul { list-style: none; margin: 0; padding: 0; }
.home-card li { padding: 0.5rem 0; border-top: 1px solid var(--theme-elevation-100); }
.home-card li:first-child { border-top: 0; padding-top: 0; }
.home-meta { font-size: 0.85rem; color: var(--theme-elevation-600); }
.home-line { margin: 0.2rem 0 0; font-variant-numeric: tabular-nums; }
.home-links { display: flex; gap: 0.75rem; flex-wrap: wrap; margin-top: 0.25rem; font-size: 0.9rem; }
.home-links a { text-decoration: underline; }
.home-write { display: flex; gap: 0.5rem; flex-wrap: wrap; }
.home-button { display: inline-block; padding: 0.45rem 0.9rem; border-radius: 4px; background: var(--theme-elevation-800); color: var(--theme-elevation-0); text-decoration: none; }
.home-actions { display: flex; gap: 0.5rem; flex-wrap: wrap; align-items: center; margin-top: 0.4rem; }
.home-status { font-weight: 600; }
.home-status--failed, .home-status--partial, .home-bad { color: var(--theme-error-500); }
.home-status--paused { color: var(--theme-warning-600, #a15c00); }
.home-ok { color: var(--theme-success-600, #1a7f37); }
.home-figures { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 0.5rem; margin: 0.5rem 0; }
.home-figures div { background: var(--theme-elevation-50); border-radius: 6px; padding: 0.5rem; }
.home-figures dt { font-size: 0.8rem; color: var(--theme-elevation-600); }
.home-figures dd { margin: 0; font-size: 1.25rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.home-qr { width: 160px; height: 160px; display: block; margin: 0.5rem 0; background: #fff; border: 1px solid var(--theme-elevation-150); }
.home-check { display: flex; gap: 0.5rem; align-items: baseline; }
.home-check-mark { flex: none; font-weight: 700; }
`

const editHref = (admin: string, type: string, id: string | number) => `${admin}/collections/${type}/${id}`
const readershipHref = (admin: string, key?: string) => `${admin}/readership${key ? `?content=${encodeURIComponent(key)}` : ''}`

export function WriteCard({ types, admin, lang }: { types: ContentSlug[]; admin: string; lang: Lang }) {
  if (!types.length) return null
  return (
    <section className="home-card" id="home-write" aria-labelledby="home-write-title">
      <h2 id="home-write-title">{t('home.write.title', lang)}</h2>
      <p className="home-write">
        {types.map((type) => (
          <a key={type} className="home-button" data-type={type} href={`${admin}/collections/${type}/create`}>
            {t('home.write.new', lang, { type: t(`col.${type}.singular` as MessageKey, lang) })}
          </a>
        ))}
      </p>
    </section>
  )
}

export function AwaitingCard({ awaiting, admin, lang }: { awaiting: { total: number; items: AwaitingItem[] }; admin: string; lang: Lang }) {
  return (
    <section className="home-card" id="home-awaiting" aria-labelledby="home-awaiting-title">
      <h2 id="home-awaiting-title">{t('home.awaiting.title', lang, { n: awaiting.total })}</h2>
      {awaiting.items.length ? (
        <ul>
          {awaiting.items.map((c) => (
            <li key={`${c.type}:${c.id}`} data-content={`${c.type}:${c.id}`}>
              <a href={editHref(admin, c.type, c.id)}>{c.title}</a>
              <div className="home-meta">
                {t(`col.${c.type}.singular` as MessageKey, lang)}
                {c.updatedAt ? ` · ${formatDateTime(c.updatedAt)}` : ''}
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('home.awaiting.none', lang)}</p>
      )}
      {awaiting.total > awaiting.items.length ? <p className="home-meta">{t('home.awaiting.more', lang, { n: awaiting.total - awaiting.items.length })}</p> : null}
    </section>
  )
}

export function DeliveriesCard({ deliveries, admin, api, lang }: { deliveries: DeliveryItem[]; admin: string; api: string; lang: Lang }) {
  return (
    <section className="home-card" id="home-deliveries" aria-labelledby="home-deliveries-title">
      <h2 id="home-deliveries-title">{t('home.deliveries.title', lang)}</h2>
      {deliveries.length ? (
        <ul>
          {deliveries.map((d) => (
            <li key={String(d.id)} data-delivery={String(d.id)} data-status={d.status}>
              <div>
                <a href={editHref(admin, d.contentType, d.contentId)}>{d.title}</a>
              </div>
              <div className="home-meta">
                {deliveryLabel(d, lang)} · <span className={`home-status home-status--${d.status}`}>{t(`delivery.status.${d.status}` as MessageKey, lang)}</span>
                {d.progress ? ` · ${d.progress}` : ''}
              </div>
              {d.reason ? <div className="home-reason">{d.reason}</div> : null}
              {d.actions.length ? <HomeDeliveryActions id={d.id} status={d.status} actions={d.actions} api={api} lang={lang} /> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('home.deliveries.none', lang)}</p>
      )}
    </section>
  )
}

export function ResultsCard({ results, admin, lang, mine }: { results: ContentResult[]; admin: string; lang: Lang; mine?: boolean }) {
  return (
    <section className="home-card home-card--wide" id="home-results" aria-labelledby="home-results-title">
      <h2 id="home-results-title">{t(mine ? 'home.results.mine' : 'home.results.title', lang)}</h2>
      {results.length ? (
        <ul>
          {results.map((r) => {
            const key = contentKey(r.content)
            return (
              <li key={key} data-content={key}>
                <div>{contentName(r.content, lang)}</div>
                <p className="home-line">{r.line}</p>
                <p className="home-links">
                  <a href={readershipHref(admin, key)}>{t('home.results.details', lang)}</a>
                  <a href={`${admin}/readership/share?content=${encodeURIComponent(key)}`} className="home-share">
                    {t('home.results.shareKit', lang)}
                  </a>
                </p>
              </li>
            )
          })}
        </ul>
      ) : (
        <p>{t('home.results.none', lang)}</p>
      )}
      <p className="home-links">
        <a href={readershipHref(admin)}>{t('home.results.all', lang)}</a>
      </p>
    </section>
  )
}

export function ChannelsCard({ channels, lang }: { channels: ChannelState[]; lang: Lang }) {
  return (
    <section className="home-card" id="home-channels" aria-labelledby="home-channels-title">
      <h2 id="home-channels-title">{t('home.channels.title', lang)}</h2>
      <ul>
        {channels.map((c) => (
          <li key={c.channel} data-channel={c.channel} className={c.configured ? 'home-ok' : 'home-bad'}>
            {c.note}
          </li>
        ))}
      </ul>
    </section>
  )
}

function GridFigures({ grid, lang }: { grid: GridCard; lang: Lang }) {
  return (
    <dl className="home-figures">
      <div>
        <dt>{t('home.grids.households', lang)}</dt>
        <dd>{new Intl.NumberFormat('en-US').format(grid.households)}</dd>
      </div>
      <div>
        <dt>{t('home.grids.subscribers', lang)}</dt>
        <dd>{grid.subscribers}</dd>
      </div>
    </dl>
  )
}

export function GridsCard({ home, kits, admin, lang, k }: { home: LeaderHome; kits: SubscribeKit[]; admin: string; lang: Lang; k: number }) {
  return (
    <section className="home-card" id="home-grids" aria-labelledby="home-grids-title">
      <h2 id="home-grids-title">{t('home.grids.title', lang)}</h2>
      {home.grids.length ? (
        <>
          <dl className="home-figures" id="home-month">
            <div>
              <dt>{t('home.grids.monthReaders', lang)}</dt>
              <dd>{home.month.readers}</dd>
            </div>
          </dl>
          <p className="home-meta">
            {t('home.grids.monthNote', lang, { n: home.month.contents })}
            {home.month.small ? t('home.grids.monthSmall', lang, { k }) : ''}
          </p>
          <ul>
            {home.grids.map((g) => {
              const kit = kits.find((x) => String(x.id) === String(g.id))
              const name = `${g.code} ${g.name}`
              return (
                <li key={String(g.id)} data-grid={g.code}>
                  <strong>{name}</strong>
                  <GridFigures grid={g} lang={lang} />
                  {kit ? (
                    <>
                      <img className="home-qr" src={kit.qr.svg} width={160} height={160} loading="lazy" alt={t('home.grids.qrAlt', lang, { grid: name })} />
                      <p className="home-links">
                        <a href={kit.link}>{kit.link}</a>
                      </p>
                    </>
                  ) : null}
                </li>
              )
            })}
          </ul>
          <QrKitLink admin={admin} lang={lang} />
        </>
      ) : (
        <p>{t('home.grids.none', lang)}</p>
      )}
    </section>
  )
}

function QrKitLink({ admin, lang }: { admin: string; lang: Lang }) {
  return (
    <p className="home-links">
      <a href={`${admin}/readership/share`}>{t('home.grids.qrKit', lang)}</a>
    </p>
  )
}

export function SubmissionsCard({ submissions, admin, lang }: { submissions: Submission[]; admin: string; lang: Lang }) {
  return (
    <section className="home-card" id="home-submissions" aria-labelledby="home-submissions-title">
      <h2 id="home-submissions-title">{t('home.submissions.title', lang)}</h2>
      {submissions.length ? (
        <ul>
          {submissions.map((s) => (
            <li key={String(s.id)} data-state={s.stateKey}>
              <a href={editHref(admin, 'announcements', s.id)}>{s.title}</a>
              <div className="home-meta">
                <span className={`home-status home-status--${s.stateKey === 'returned' ? 'failed' : s.stateKey}`}>{s.state}</span>
                {s.updatedAt ? ` · ${formatDateTime(s.updatedAt)}` : ''}
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('home.submissions.none', lang)}</p>
      )}
    </section>
  )
}

export function SetupCard({ items, lang }: { items: SetupItem[]; lang: Lang }) {
  return (
    <section className="home-card home-card--wide" id="home-setup" aria-labelledby="home-setup-title">
      <h2 id="home-setup-title">{t('home.setup.title', lang)}</h2>
      <ul>
        {items.map((i) => (
          <li key={i.key} data-item={i.key} data-done={i.done ? 'yes' : 'no'}>
            <div className="home-check">
              <span className={`home-check-mark ${i.done ? 'home-ok' : 'home-bad'}`} aria-label={t(i.done ? 'home.setup.done' : 'home.setup.todo', lang)}>
                {i.done ? '✓' : '○'}
              </span>
              <div>
                <strong>{i.title}</strong>
                <div className="home-meta">{i.detail}</div>
                {i.links.length ? (
                  <span className="home-links">
                    {i.links.map((l) => (
                      <a key={l.href} href={l.href}>
                        {l.label}
                      </a>
                    ))}
                  </span>
                ) : null}
              </div>
            </div>
          </li>
        ))}
      </ul>
    </section>
  )
}
