import type { AdminViewServerProps } from 'payload'

import { t } from '../i18n/messages'
import { dashboardData, DashboardError } from '../readership/dashboard'
import { optionsFromQuery } from '../readership/dashboardEndpoint'
import { type ShareKit, shareKits } from '../readership/shareKit'
import { ReadershipCopyButton } from './ReadershipCopyButton'
import { ContentPicker, contentKey, langFrom, ReadershipTemplate, searchParamsOf, withSelected } from './ReadershipView'

/**
 * /admin/readership/share (网格分享包): for one content, each grid's signed
 * share link, its QR code and the text for the grid's WeChat group. Grid
 * leaders get their own grids' kits only (src/readership/shareKit.ts).
 */
export async function ReadershipShareKits(props: AdminViewServerProps) {
  const req = props.initPageResult.req
  const lang = langFrom(req)
  const admin = req.payload.config.routes.admin
  const query = searchParamsOf(props.searchParams)
  let error: string | null = null
  let kits: Awaited<ReturnType<typeof shareKits>> | null = null
  try {
    const opts = optionsFromQuery(query, lang)
    if (opts.contentType) kits = await shareKits(req.payload, req, opts.contentType, opts.contentId!, lang)
  } catch (err) {
    if (!(err instanceof DashboardError)) throw err
    error = t(err.key, lang)
  }
  // The picker offers the same latest contents as the dashboard.
  const data = await dashboardData(req.payload, req, { lang }).catch(() => null)
  const current = kits ? contentKey(kits.content) : ''
  return (
    <ReadershipTemplate {...props}>
      <h1>{t('readership.share.title', lang)}</h1>
      <p className="rs-intro">{t('readership.share.intro', lang)}</p>
      <p className="rs-actions">
        <a href={`${admin}/readership${current ? `?content=${encodeURIComponent(current)}` : ''}`}>{t('readership.share.back', lang)}</a>
      </p>
      {error ? (
        <p className="rs-error" role="alert">
          {error}
        </p>
      ) : null}
      {data ? <ContentPicker contents={withSelected(data.contents.map((c) => c.content), kits?.content)} current={current} action={`${admin}/readership/share`} lang={lang} overview={false} /> : null}
      {!kits ? (
        <p>{t('readership.share.pick', lang)}</p>
      ) : kits.kits.length ? (
        <div className="rs-kits" id="readership-kits">
          {kits.kits.map((kit) => (
            <Kit key={String(kit.grid.id)} kit={kit} title={kits!.content.title} lang={lang} />
          ))}
        </div>
      ) : (
        <p>{t('readership.noGrids', lang)}</p>
      )}
    </ReadershipTemplate>
  )
}

function Kit({ kit, title, lang }: { kit: ShareKit; title: string; lang: 'zh' | 'en' }) {
  const id = `rs-kit-${kit.grid.code.replace(/[^A-Za-z0-9_-]/g, '_')}`
  return (
    <section className="rs-kit" data-grid={kit.grid.code} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('readership.share.kitTitle', lang, { grid: `${kit.grid.code} ${kit.grid.name}`, community: kit.grid.community })}</h3>
      <label htmlFor={`${id}-link`}>{t('readership.share.link', lang)}</label>
      <input id={`${id}-link`} readOnly value={kit.link} />
      {/* The QR code's SVG comes from the qrcode library (paths only, from our own link). */}
      <div className="rs-qr" role="img" aria-label={t('readership.share.qrAlt', lang, { grid: kit.grid.name, title })} dangerouslySetInnerHTML={{ __html: kit.qrSvg }} />
      <label htmlFor={`${id}-text`}>{t('readership.share.text', lang)}</label>
      <textarea id={`${id}-text`} readOnly value={kit.text} />
      <p>
        <ReadershipCopyButton target={`${id}-text`} label={t('readership.share.copy', lang)} done={t('readership.share.copied', lang)} />
      </p>
    </section>
  )
}
