import type { AdminViewServerProps } from 'payload'

import { InspectionPage } from './InspectionPage'
import { langFrom, ReadershipTemplate, searchParamsOf } from './ReadershipView'

/** /admin/inspection (检查报告): the report's page inside the admin's template (payload.config.ts). */
export async function InspectionView(props: AdminViewServerProps) {
  const req = props.initPageResult.req
  return (
    <ReadershipTemplate {...props}>
      <InspectionPage payload={req.payload} user={req.user} params={searchParamsOf(props.searchParams)} lang={langFrom(req)} api={req.payload.config.routes.api} />
    </ReadershipTemplate>
  )
}
