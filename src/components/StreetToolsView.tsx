import type { AdminViewServerProps } from 'payload'

import { isAdmin, type StaffUser } from '../access'
import { STREET_COLUMNS } from '../grids/streetCsv'
import { MAX_IMPORT_BYTES } from '../subscribers/csv'
import { type MessageKey, t } from '../i18n/messages'
import { langFrom, ReadershipTemplate } from './ReadershipView'
import { SubscriberImportForm } from './SubscriberToolsImport'

/**
 * /admin/street-tools (街道结构导入与导出), admins only: the street's
 * communities, grids, estates and buildings from one CSV (checked line by
 * line before anything is written; the form posts to POST /api/grids/import)
 * and back out (GET /api/grids/export.csv, UTF-8 or GBK). The endpoints
 * (src/collections/GridsTools.ts) check the caller again; the form is the
 * subscriber import's, which shows any report with a summary and problems.
 */
export async function StreetToolsView(props: AdminViewServerProps) {
  const req = props.initPageResult.req
  const lang = langFrom(req)
  const api = req.payload.config.routes.api
  const admin = req.payload.config.routes.admin
  if (!isAdmin(req.user as StaffUser | null)) {
    return (
      <ReadershipTemplate {...props}>
        <h1>{t('tools.street.title', lang)}</h1>
        <p className="rs-error" role="alert" id="street-tools-forbidden">
          {t('tools.street.adminsOnly', lang)}
        </p>
      </ReadershipTemplate>
    )
  }
  return (
    <ReadershipTemplate {...props}>
      <h1>{t('tools.street.title', lang)}</h1>
      <section aria-labelledby="street-import-title" id="street-import">
        <h2 id="street-import-title">{t('tools.street.import.title', lang)}</h2>
        <p className="rs-intro">{t('tools.street.import.intro', lang)}</p>
        <ul>
          {STREET_COLUMNS.map((c) => (
            <li key={c}>
              <code>{c}</code> {t(`tools.street.col.${c}` as MessageKey, lang)}
            </li>
          ))}
        </ul>
        <SubscriberImportForm action={`${api}/grids/import`} list={`${admin}/collections/grids`} lang={lang} maxBytes={MAX_IMPORT_BYTES} />
      </section>
      <section aria-labelledby="street-export-title" id="street-export">
        <h2 id="street-export-title">{t('tools.street.export.title', lang)}</h2>
        <p className="rs-intro">{t('tools.street.export.intro', lang)}</p>
        <p className="rs-actions">
          <a className="rs-button" id="street-export-utf8" href={`${api}/grids/export.csv`} download>
            {t('tools.export.utf8', lang)}
          </a>
          <a className="rs-button" id="street-export-gbk" href={`${api}/grids/export.csv?encoding=gbk`} download>
            {t('tools.export.gbk', lang)}
          </a>
        </p>
      </section>
    </ReadershipTemplate>
  )
}
