import type { Field } from 'payload'

import { label } from '../../i18n/messages'

/** Minutes a building head has to confirm a new notice before the grid leader is alerted (issue 18). */
export const RELAY_CONFIRM_MINUTES_DEFAULT = 30

/**
 * Site settings fields of one product area (relay leaders), spread into the SiteSettings global:
 * how long after a content is published a building without its head's confirmation is listed
 * at the top of the grid leader's home and the leader alerted (src/jobs/relayAlerts.ts).
 */
export const relayLeadersSettingsFields: Field[] = [
  {
    name: 'relayConfirmMinutes',
    type: 'number',
    label: label('settings.relayConfirmMinutes'),
    defaultValue: RELAY_CONFIRM_MINUTES_DEFAULT,
    min: 5,
    max: 1440,
    admin: { description: label('settings.relayConfirmMinutes.description') },
  },
]
