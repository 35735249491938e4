import type { Field } from 'payload'

import { FRESHNESS_DEFAULTS } from '../../content/freshness'
import { label } from '../../i18n/messages'

/**
 * Site settings fields of one product area (inspect), spread into the SiteSettings global:
 * the freshness watch's thresholds (src/content/freshness.ts). Two weeks without an update
 * fails a government new-media inspection, so the defaults warn at 10 days and alert at 14.
 */
export const inspectSettingsFields: Field[] = [
  {
    type: 'row',
    fields: [
      {
        name: 'freshnessWarnDays',
        type: 'number',
        label: label('settings.freshnessWarnDays'),
        defaultValue: FRESHNESS_DEFAULTS.warnDays,
        min: 1,
        max: 365,
        admin: { description: label('settings.freshnessWarnDays.description') },
      },
      {
        name: 'freshnessAlertDays',
        type: 'number',
        label: label('settings.freshnessAlertDays'),
        defaultValue: FRESHNESS_DEFAULTS.alertDays,
        min: 1,
        max: 365,
        admin: { description: label('settings.freshnessAlertDays.description') },
      },
    ],
  },
]
