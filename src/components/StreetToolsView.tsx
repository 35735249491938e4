import type { AdminViewServerProps } from 'payload'

import { STREET_COLUMNS } from '../grids/streetCsv'
import { CsvToolsPage, type CsvTools } from './CsvToolsPage'

/**
 * /admin/street-tools (街道结构导入与导出), admins only: the street's
 * communities, grids, estates and buildings from one CSV and back out, through
 * the endpoints of src/collections/GridsTools.ts. The form is the subscriber
 * import's, which shows any report with a summary and problems.
 */
const STREET_TOOLS: CsvTools = {
  slug: 'grids',
  columns: STREET_COLUMNS,
  text: {
    title: 'tools.street.title',
    adminsOnly: 'tools.street.adminsOnly',
    importTitle: 'tools.street.import.title',
    importIntro: 'tools.street.import.intro',
    column: 'tools.street.col.',
    exportTitle: 'tools.street.export.title',
    exportIntro: 'tools.street.export.intro',
  },
  ids: {
    forbidden: 'street-tools-forbidden',
    importSection: 'street-import',
    importTitle: 'street-import-title',
    exportSection: 'street-export',
    exportTitle: 'street-export-title',
    utf8: 'street-export-utf8',
    gbk: 'street-export-gbk',
  },
}

export async function StreetToolsView(props: AdminViewServerProps) {
  return <CsvToolsPage props={props} tools={STREET_TOOLS} />
}
