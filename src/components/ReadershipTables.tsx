import { type Lang, type MessageKey, t } from '../i18n/messages'
import { type DashboardData, type DashboardRow, type Figure, READ_CHANNELS_SHOWN } from '../readership/dashboard'
import { contentKey, contentName } from './ReadershipNames'

/**
 * The readership dashboard's tables (/admin/readership): one content by grid,
 * or the overview by content. Plain functions of the dashboard's data, free
 * of Payload's UI packages, so a test renders them as the admin does. On a
 * phone the rows become cards (ReadershipHeadline.tsx HEADLINE_CSS), each
 * figure named by its data-label.
 */
function Cell({ f, className, lang, k, label }: { f: Figure; className?: string; lang: Lang; k: number; label: string }) {
  const cls = [className, f.state === 'small' ? 'rs-small' : f.state === 'hidden' ? 'rs-hidden' : ''].filter(Boolean).join(' ')
  const title = f.state === 'small' ? t('readership.legend.small', lang, { k }) : f.state === 'hidden' ? t('readership.legend.hidden', lang) : undefined
  return (
    <td className={`n ${cls}`} title={title} data-state={f.state} data-label={label}>
      {f.display}
    </td>
  )
}

function Figures({ r, lang, k }: { r: DashboardRow; lang: Lang; k: number }) {
  // data-label names each figure on a phone, where the table's rows become cards (ReadershipHeadline.tsx).
  const col = (key: string) => t(`readership.col.${key}` as MessageKey, lang)
  return (
    <>
      <td className="n" data-label={col('households')}>{r.households ?? ''}</td>
      <Cell f={r.subscribers} lang={lang} k={k} label={col('subscribers')} />
      <Cell f={r.submitted} lang={lang} k={k} label={col('submitted')} />
      <Cell f={r.readers} lang={lang} k={k} label={col('readers')} />
      <Cell f={r.messageReaders} lang={lang} k={k} label={col('messageReaders')} />
      <Cell f={r.readRate} lang={lang} k={k} label={col('readRate')} />
      <Cell f={r.reach} lang={lang} k={k} label={col('reach')} />
      {READ_CHANNELS_SHOWN.map((c) => (
        <Cell key={c} f={r.channels[c]} lang={lang} k={k} label={t('readership.card.channel', lang, { channel: t(`readership.channel.${c}` as MessageKey, lang) })} />
      ))}
      <Cell f={r.opens} className="rs-opens" lang={lang} k={k} label={col('opens')} />
    </>
  )
}

function FigureHeads({ lang, first }: { lang: Lang; first: React.ReactNode }) {
  return (
    <thead>
      <tr>
        {first}
        <th scope="col" rowSpan={2}>{t('readership.col.households', lang)}</th>
        <th scope="col" rowSpan={2}>{t('readership.col.subscribers', lang)}</th>
        <th scope="col" rowSpan={2}>{t('readership.col.submitted', lang)}</th>
        <th scope="col" rowSpan={2}>{t('readership.col.readers', lang)}</th>
        <th scope="col" rowSpan={2}>{t('readership.col.messageReaders', lang)}</th>
        <th scope="col" rowSpan={2}>{t('readership.col.readRate', lang)}</th>
        <th scope="col" rowSpan={2}>{t('readership.col.reach', lang)}</th>
        <th scope="colgroup" colSpan={READ_CHANNELS_SHOWN.length}>{t('readership.col.byChannel', lang)}</th>
        <th scope="col" rowSpan={2}>{t('readership.col.opens', lang)}</th>
      </tr>
      <tr>
        {READ_CHANNELS_SHOWN.map((c) => (
          <th scope="col" key={c}>{t(`readership.channel.${c}` as MessageKey, lang)}</th>
        ))}
      </tr>
    </thead>
  )
}

export function ContentTable({ data, lang }: { data: DashboardData; lang: Lang }) {
  const report = data.content!
  const k = data.minGroupSize
  const nameOf = (r: DashboardRow) => (r.kind === 'grid' ? `${r.grid!.code} ${r.grid!.name}` : t(r.kind === 'total' ? 'readership.row.total' : 'readership.row.unattributed', lang))
  return (
    <div className="rs-table-wrap">
      <table className="rs-table" id="readership-table">
        <caption>{t('readership.table.caption', lang, { title: report.content.title })}</caption>
        <FigureHeads
          lang={lang}
          first={
            <>
              <th scope="col" rowSpan={2}>{t('readership.col.gridName', lang)}</th>
              <th scope="col" rowSpan={2}>{t('readership.col.community', lang)}</th>
            </>
          }
        />
        <tbody>
          {[...report.rows, report.total].map((r) => (
            <tr key={r.grid ? String(r.grid.id) : r.kind} data-grid={r.grid?.code ?? r.kind} className={r.kind === 'total' ? 'rs-total' : undefined}>
              <th scope="row">{nameOf(r)}</th>
              <td data-label={t('readership.col.community', lang)}>{r.grid?.community ?? ''}</td>
              <Figures r={r} lang={lang} k={k} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

export function OverviewTable({ data, lang }: { data: DashboardData; lang: Lang }) {
  if (!data.contents.length) return <p>{t('readership.empty', lang)}</p>
  return (
    <div className="rs-table-wrap">
      <table className="rs-table" id="readership-overview">
        <caption>{t('readership.overview.title', lang)}</caption>
        <FigureHeads
          lang={lang}
          first={
            <>
              <th scope="col" rowSpan={2}>{t('readership.col.content', lang)}</th>
              <th scope="col" rowSpan={2}>{t('readership.col.type', lang)}</th>
            </>
          }
        />
        <tbody>
          {data.contents.map(({ content, total }) => (
            <tr key={contentKey(content)} data-content={contentKey(content)}>
              <th scope="row">
                <a href={`?content=${encodeURIComponent(contentKey(content))}`}>{contentName(content, lang)}</a>
              </th>
              <td data-label={t('readership.col.type', lang)}>{t(`col.${content.type}.singular` as MessageKey, lang)}</td>
              <Figures r={total} lang={lang} k={data.minGroupSize} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
