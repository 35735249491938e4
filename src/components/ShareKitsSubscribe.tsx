import type { SubscribeKit } from '../collections/GridsShare'
import { type Lang, t } from '../i18n/messages'

/**
 * Each grid's subscribe kit in the share-kit view (/admin/readership/share):
 * the subscribe link with the grid preset, its QR code (the image and both
 * downloads come from GET /api/grids/:code/share-qr.svg|png, which checks
 * the same scope), and the grid's feed. A plain function of its kits, so it
 * renders the same in the admin and in a test.
 */
export const SUBSCRIBE_KITS_CSS = `
.sk-kit .sk-qr { width: 180px; height: 180px; display: block; margin: 0.5rem 0; background: #fff; border: 1px solid var(--theme-elevation-150); }
.sk-kit .sk-downloads { display: flex; gap: 0.75rem; flex-wrap: wrap; margin: 0.5rem 0; }
.sk-kit .sk-note { font-size: 0.85rem; color: var(--theme-elevation-600); word-break: break-all; }
`

export function SubscribeKits({ kits, lang, view }: { kits: SubscribeKit[]; lang: Lang; view: string }) {
  if (!kits.length) return <p>{t('readership.noGrids', lang)}</p>
  return (
    <div className="rs-kits" id="subscribe-kits">
      {kits.map((kit) => (
        <Kit key={String(kit.id)} kit={kit} lang={lang} view={view} single={kits.length === 1} />
      ))}
    </div>
  )
}

function Kit({ kit, lang, view, single }: { kit: SubscribeKit; lang: Lang; view: string; single: boolean }) {
  const id = `sk-${kit.code.replace(/[^A-Za-z0-9_-]/g, '_')}`
  const grid = t('site.gridName', lang, { code: kit.code, name: kit.name })
  return (
    <section className="rs-kit sk-kit" data-grid={kit.code} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('tools.share.kitTitle', lang, { grid })}</h3>
      <p className="sk-note">{kit.community}</p>
      <label htmlFor={`${id}-link`}>{t('tools.share.linkLabel', lang)}</label>
      <input id={`${id}-link`} readOnly value={kit.link} />
      <p className="sk-note">
        <a href={kit.link} target="_blank" rel="noopener noreferrer">
          {kit.link}
        </a>
      </p>
      <img className="sk-qr" src={kit.qr.svg} width={180} height={180} loading="lazy" alt={t('tools.share.qrAlt', lang, { grid })} />
      <p className="sk-downloads">
        <a className="rs-button" href={`${kit.qr.png}?download=1`} download>
          {t('tools.share.png', lang)}
        </a>
        <a className="rs-button" href={`${kit.qr.svg}?download=1`} download>
          {t('tools.share.svg', lang)}
        </a>
      </p>
      <p className="sk-note">{t('tools.share.howTo', lang)}</p>
      <p className="sk-note">
        {t('tools.share.feed', lang)} <a href={kit.feed}>{kit.feed}</a>
      </p>
      {single ? null : (
        <p className="sk-note">
          <a href={`${view}?grid=${encodeURIComponent(kit.code)}`}>{t('tools.share.onlyGrid', lang)}</a>
        </p>
      )}
    </section>
  )
}
