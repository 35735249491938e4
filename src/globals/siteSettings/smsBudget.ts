import type { Field } from 'payload'

import { label } from '../../i18n/messages'

/**
 * Site settings fields of one product area (the SMS budget), spread into the SiteSettings global:
 * the most the street spends on text messages in a month, in yuan. Empty: no cap. When the next
 * messages would pass it, SMS deliveries pause with a plain reason (src/readership/smsSpend.ts).
 */
export const smsBudgetSettingsFields: Field[] = [
  {
    name: 'smsBudget',
    type: 'group',
    label: label('sms.settings.budget'),
    admin: { description: label('sms.settings.budget.description') },
    fields: [{ name: 'monthlyYuan', type: 'number', label: label('sms.settings.budget.monthlyYuan'), min: 0, max: 10_000_000 }],
  },
]
