import type { Field } from 'payload'

import { KIOSK_TIMING_DEFAULTS } from '../../content/kiosk'
import { label } from '../../i18n/messages'

/** Site settings fields of one product area (kiosk), spread into the SiteSettings global. */
export const kioskSettingsFields: Field[] = [
  {
    name: 'kiosk',
    type: 'group',
    label: label('settings.kiosk'),
    admin: { description: label('settings.kiosk.description') },
    fields: [
      {
        type: 'row',
        fields: [
          { name: 'rotateSeconds', type: 'number', label: label('settings.kiosk.rotateSeconds'), defaultValue: KIOSK_TIMING_DEFAULTS.rotateSeconds, min: 3, max: 120 },
          { name: 'idleSeconds', type: 'number', label: label('settings.kiosk.idleSeconds'), defaultValue: KIOSK_TIMING_DEFAULTS.idleSeconds, min: 15, max: 600 },
          { name: 'refreshMinutes', type: 'number', label: label('settings.kiosk.refreshMinutes'), defaultValue: KIOSK_TIMING_DEFAULTS.refreshMinutes, min: 1, max: 60 },
        ],
      },
    ],
  },
]
