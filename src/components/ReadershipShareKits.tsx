import type { AdminViewServerProps } from 'payload'

import { isRefusal, type SubscribeKit, subscribeKit, subscribeKits } from '../collections/GridsShare'
import { t } from '../i18n/messages'
import { dashboardData, DashboardError } from '../readership/dashboard'
import { optionsFromQuery } from '../readership/dashboardEndpoint'
import { type ShareKit, shareKits } from '../readership/shareKit'
import { ReadershipCopyButton } from './ReadershipCopyButton'
import { ContentPicker, contentKey, langFrom, ReadershipTemplate, searchParamsOf, withSelected } from './ReadershipView'
import { SUBSCRIBE_KITS_CSS, SubscribeKits } from './ShareKitsSubscribe'

/**
 * /admin/readership/share (网格分享包), the one share-kit view. With no
 * content chosen: each grid's subscribe kit (link, QR code, PNG and SVG
 * downloads, feed). With a content: each grid's signed share link of that
 * content, its QR code and the text for the grid's WeChat group. Either way
 * only the grids the viewer acts for (grid leaders their own), and
 * ?grid=CODE narrows it to one grid (the old /admin-tools/share/CODE).
 */
export async function ReadershipShareKits(props: AdminViewServerProps) {
  const req = props.initPageResult.req
  const lang = langFrom(req)
  const admin = req.payload.config.routes.admin
  const view = `${admin}/readership/share`
  const query = searchParamsOf(props.searchParams)
  const gridCode = query.get('grid')
  let error: string | null = null
  let kits: Awaited<ReturnType<typeof shareKits>> | null = null
  try {
    const opts = optionsFromQuery(query, lang)
    if (opts.contentType) kits = await shareKits(req.payload, req, opts.contentType, opts.contentId!, lang)
  } catch (err) {
    if (!(err instanceof DashboardError)) throw err
    error = t(err.key, lang)
  }
  // The subscribe kits (or the one grid asked for); a grid that is unknown or not the viewer's is said so.
  let subscribe: SubscribeKit[] = []
  const found = gridCode ? await subscribeKit(req, gridCode) : await subscribeKits(req)
  if (isRefusal(found)) error ??= found.message
  else subscribe = Array.isArray(found) ? found : [found]
  const contentKits = kits ? kits.kits.filter((k) => !gridCode || k.grid.code === gridCode) : []
  // The picker offers the same latest contents as the dashboard.
  const data = await dashboardData(req.payload, req, { lang }).catch(() => null)
  const current = kits ? contentKey(kits.content) : ''
  return (
    <ReadershipTemplate {...props}>
      <style>{SUBSCRIBE_KITS_CSS}</style>
      <h1>{t('readership.share.title', lang)}</h1>
      <p className="rs-intro">{t('tools.share.subscribeIntro', lang)}</p>
      <p className="rs-actions">
        <a href={`${admin}/readership${current ? `?content=${encodeURIComponent(current)}` : ''}`}>{t('readership.share.back', lang)}</a>
        {gridCode ? <a href={`${view}${current ? `?content=${encodeURIComponent(current)}` : ''}`}>{t('tools.share.allGrids', lang)}</a> : null}
      </p>
      {error ? (
        <p className="rs-error" role="alert">
          {error}
        </p>
      ) : null}
      {data ? (
        <ContentPicker contents={withSelected(data.contents.map((c) => c.content), kits?.content)} current={current} action={view} lang={lang} overview={false} />
      ) : null}
      {!kits ? (
        <section aria-labelledby="sk-title">
          <h2 id="sk-title">{t('tools.share.title', lang)}</h2>
          <p className="rs-intro">{t('tools.share.intro', lang)}</p>
          {isRefusal(found) ? null : <SubscribeKits kits={subscribe} lang={lang} view={view} />}
        </section>
      ) : (
        <section aria-labelledby="rs-kits-title">
          <h2 id="rs-kits-title">{kits.content.title}</h2>
          <p className="rs-intro">{t('readership.share.intro', lang)}</p>
          {contentKits.length ? (
            <div className="rs-kits" id="readership-kits">
              {contentKits.map((kit) => (
                <Kit key={String(kit.grid.id)} kit={kit} title={kits!.content.title} lang={lang} />
              ))}
            </div>
          ) : (
            <p>{t('readership.noGrids', lang)}</p>
          )}
        </section>
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
