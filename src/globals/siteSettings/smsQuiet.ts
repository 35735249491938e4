import type { Field } from 'payload'

import { SMS_QUIET_DEFAULTS } from '../../model/smsQuiet'
import { label } from '../../i18n/messages'

/** Site settings fields of one product area (SMS quiet hours), spread into the SiteSettings global. */
export const smsQuietSettingsFields: Field[] = [
  {
    name: 'smsQuietHours',
    type: 'group',
    label: label('settings.sms.quiet'),
    admin: { description: label('settings.sms.quietHelp') },
    fields: [
      {
        type: 'row',
        fields: [
          { name: 'start', type: 'number', label: label('settings.sms.quietStart'), defaultValue: SMS_QUIET_DEFAULTS.start, min: 0, max: 23 },
          { name: 'end', type: 'number', label: label('settings.sms.quietEnd'), defaultValue: SMS_QUIET_DEFAULTS.end, min: 0, max: 23 },
        ],
      },
    ],
  },
]
