import type { AdminViewServerProps } from 'payload'

import { isAdmin, type StaffUser } from '../access'
import { MAX_IMPORT_BYTES } from '../subscribers/csv'
import { type MessageKey, t } from '../i18n/messages'
import { langFrom, ReadershipTemplate } from './ReadershipView'
import { SubscriberImportForm } from './SubscriberToolsImport'

/**
 * /admin/subscriber-tools (订阅者导入与导出), admins only: the CSV import
 * (checked row by row before anything is written; the form posts to
 * POST /api/subscribers/import) and the export (GET
 * /api/subscribers/export.csv, UTF-8 or GBK). Both endpoints check the
 * caller again; this page only spares others a form they cannot use.
 */
const COLUMNS = ['email', 'grid', 'consent_at', 'consent_evidence', 'channels', 'topics', 'statistics'] as const

export async function SubscriberToolsView(props: AdminViewServerProps) {
  const req = props.initPageResult.req
  const lang = langFrom(req)
  const api = req.payload.config.routes.api
  const admin = req.payload.config.routes.admin
  if (!isAdmin(req.user as StaffUser | null)) {
    return (
      <ReadershipTemplate {...props}>
        <h1>{t('tools.subscribers.title', lang)}</h1>
        <p className="rs-error" role="alert" id="subscriber-tools-forbidden">
          {t('tools.error.adminsOnly', lang)}
        </p>
      </ReadershipTemplate>
    )
  }
  return (
    <ReadershipTemplate {...props}>
      <h1>{t('tools.subscribers.title', lang)}</h1>
      <section aria-labelledby="import-title" id="subscriber-import">
        <h2 id="import-title">{t('tools.import.title', lang)}</h2>
        <p className="rs-intro">{t('tools.import.intro', lang)}</p>
        <ul>
          {COLUMNS.map((c) => (
            <li key={c}>
              <code>{c}</code> {t(`tools.import.col.${c}` as MessageKey, lang)}
            </li>
          ))}
        </ul>
        <SubscriberImportForm action={`${api}/subscribers/import`} list={`${admin}/collections/subscribers`} lang={lang} maxBytes={MAX_IMPORT_BYTES} />
      </section>
      <section aria-labelledby="export-title" id="subscriber-export">
        <h2 id="export-title">{t('tools.export.title', lang)}</h2>
        <p className="rs-intro">{t('tools.export.intro', lang)}</p>
        <p className="rs-actions">
          <a className="rs-button" id="export-utf8" href={`${api}/subscribers/export.csv`} download>
            {t('tools.export.utf8', lang)}
          </a>
          <a className="rs-button" id="export-gbk" href={`${api}/subscribers/export.csv?encoding=gbk`} download>
            {t('tools.export.gbk', lang)}
          </a>
        </p>
      </section>
    </ReadershipTemplate>
  )
}
