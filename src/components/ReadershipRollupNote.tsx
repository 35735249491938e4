import { type Lang, t } from '../i18n/messages'
import type { DashboardData } from '../readership/dashboard'
import { formatDateTime } from '../templates/format'

/** How fresh the dashboard's figures are: when the rollup last finished, and how often it runs. */
export function RollupNote({ rollup, lang }: { rollup: DashboardData['rollup']; lang: Lang }) {
  const minutes = rollup.everyMinutes
  return (
    <p className="rs-note" id="readership-rollup">
      {rollup.lastAt ? t('readership.rollup.last', lang, { minutes, time: formatDateTime(rollup.lastAt) }) : t('readership.rollup.never', lang, { minutes })}
    </p>
  )
}
