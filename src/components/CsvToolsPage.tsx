import type { AdminViewServerProps } from 'payload'

import { isAdmin, type StaffUser } from '../access'
import { MAX_IMPORT_BYTES } from '../subscribers/csv'
import { type MessageKey, t } from '../i18n/messages'
import { langFrom, ReadershipTemplate } from './ReadershipView'
import { SubscriberImportForm } from './SubscriberToolsImport'

/**
 * An admins-only page that imports one collection's CSV (checked line by line
 * before anything is written; the form posts to POST /api/SLUG/import) and
 * exports it (GET /api/SLUG/export.csv, UTF-8 or GBK). The endpoints check
 * the caller again; the page only spares others a form they cannot use.
 */
export type CsvTools = {
  /** The collection whose import and export endpoints the page calls. */
  slug: 'subscribers' | 'grids'
  columns: readonly string[]
  /** Catalogue keys; a column's explanation is `${column}` appended to `column`. */
  text: { title: MessageKey; adminsOnly: MessageKey; importTitle: MessageKey; importIntro: MessageKey; column: string; exportTitle: MessageKey; exportIntro: MessageKey }
  /** Element ids, as the e2e tests find them. */
  ids: { forbidden: string; importSection: string; importTitle: string; exportSection: string; exportTitle: string; utf8: string; gbk: string }
}

export function CsvToolsPage({ props, tools }: { props: AdminViewServerProps; tools: CsvTools }) {
  const req = props.initPageResult.req
  const lang = langFrom(req)
  const api = `${req.payload.config.routes.api}/${tools.slug}`
  const { text, ids } = tools
  if (!isAdmin(req.user as StaffUser | null)) {
    return (
      <ReadershipTemplate {...props}>
        <h1>{t(text.title, lang)}</h1>
        <p className="rs-error" role="alert" id={ids.forbidden}>
          {t(text.adminsOnly, lang)}
        </p>
      </ReadershipTemplate>
    )
  }
  return (
    <ReadershipTemplate {...props}>
      <h1>{t(text.title, lang)}</h1>
      <section aria-labelledby={ids.importTitle} id={ids.importSection}>
        <h2 id={ids.importTitle}>{t(text.importTitle, lang)}</h2>
        <p className="rs-intro">{t(text.importIntro, lang)}</p>
        <ul>
          {tools.columns.map((c) => (
            <li key={c}>
              <code>{c}</code> {t(`${text.column}${c}` as MessageKey, lang)}
            </li>
          ))}
        </ul>
        <SubscriberImportForm action={`${api}/import`} list={`${req.payload.config.routes.admin}/collections/${tools.slug}`} lang={lang} maxBytes={MAX_IMPORT_BYTES} />
      </section>
      <section aria-labelledby={ids.exportTitle} id={ids.exportSection}>
        <h2 id={ids.exportTitle}>{t(text.exportTitle, lang)}</h2>
        <p className="rs-intro">{t(text.exportIntro, lang)}</p>
        <p className="rs-actions">
          <a className="rs-button" id={ids.utf8} href={`${api}/export.csv`} download>
            {t('tools.export.utf8', lang)}
          </a>
          <a className="rs-button" id={ids.gbk} href={`${api}/export.csv?encoding=gbk`} download>
            {t('tools.export.gbk', lang)}
          </a>
        </p>
      </section>
    </ReadershipTemplate>
  )
}
