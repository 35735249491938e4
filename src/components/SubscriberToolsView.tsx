import type { AdminViewServerProps } from 'payload'

import { CsvToolsPage, type CsvTools } from './CsvToolsPage'

/**
 * /admin/subscriber-tools (订阅者导入与导出), admins only: the subscriber CSV
 * import and export, through the endpoints of src/collections/SubscribersTools.ts.
 */
const SUBSCRIBER_TOOLS: CsvTools = {
  slug: 'subscribers',
  columns: ['email', 'grid', 'consent_at', 'consent_evidence', 'channels', 'topics', 'statistics'],
  text: {
    title: 'tools.subscribers.title',
    adminsOnly: 'tools.error.adminsOnly',
    importTitle: 'tools.import.title',
    importIntro: 'tools.import.intro',
    column: 'tools.import.col.',
    exportTitle: 'tools.export.title',
    exportIntro: 'tools.export.intro',
  },
  ids: {
    forbidden: 'subscriber-tools-forbidden',
    importSection: 'subscriber-import',
    importTitle: 'import-title',
    exportSection: 'subscriber-export',
    exportTitle: 'export-title',
    utf8: 'export-utf8',
    gbk: 'export-gbk',
  },
}

export async function SubscriberToolsView(props: AdminViewServerProps) {
  return <CsvToolsPage props={props} tools={SUBSCRIBER_TOOLS} />
}
