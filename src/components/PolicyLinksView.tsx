import type { AdminViewServerProps } from 'payload'

import { isEditor, type StaffUser } from '../access'
import { policyLinksReport } from '../documents/report'
import { t } from '../i18n/messages'
import { langFrom, ReadershipTemplate } from './ReadershipView'

/**
 * /admin/policy-links (文件与解读), editors and admins: explainers not linked
 * to the document they explain and documents without an explainer, each a
 * link to fix it. The same list as GET /api/policy-documents/links-report.
 */
export async function PolicyLinksView(props: AdminViewServerProps) {
  const req = props.initPageResult.req
  const lang = langFrom(req)
  const admin = req.payload.config.routes.admin
  if (!isEditor(req.user as StaffUser | null)) {
    return (
      <ReadershipTemplate {...props}>
        <h1>{t('documents.report.title', lang)}</h1>
        <p className="rs-error" role="alert" id="policy-links-forbidden">
          {t('documents.error.forbidden', lang)}
        </p>
      </ReadershipTemplate>
    )
  }
  const report = await policyLinksReport(req.payload)
  const none = <p>{t('documents.report.none', lang)}</p>
  return (
    <ReadershipTemplate {...props}>
      <h1>{t('documents.report.title', lang)}</h1>
      <p className="rs-intro">{t('documents.report.intro', lang)}</p>
      <section id="explainers-without-document">
        <h2>{t('documents.report.explainersWithout', lang, { count: report.explainersWithoutDocument.length })}</h2>
        {report.explainersWithoutDocument.length ? (
          <ul>
            {report.explainersWithoutDocument.map((p) => (
              <li key={String(p.id)}>
                <a href={`${admin}/collections/policies/${p.id}`}>{p.title}</a>
                {t('documents.report.status', lang, { status: t(p.status === 'published' ? 'documents.report.published' : 'documents.report.draft', lang) })}
              </li>
            ))}
          </ul>
        ) : (
          none
        )}
      </section>
      <section id="documents-without-explainer">
        <h2>{t('documents.report.documentsWithout', lang, { count: report.documentsWithoutExplainer.length })}</h2>
        {report.documentsWithoutExplainer.length ? (
          <ul>
            {report.documentsWithoutExplainer.map((d) => (
              <li key={String(d.id)}>
                <a href={`${admin}/collections/policy-documents/${d.id}`}>{d.title}</a>
                {d.documentNumber ? ` ${d.documentNumber}` : ''}
              </li>
            ))}
          </ul>
        ) : (
          none
        )}
      </section>
    </ReadershipTemplate>
  )
}
