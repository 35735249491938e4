import type { CollectionConfig } from 'payload'

import { nobody } from '../access'
import { label } from '../i18n/messages'
import { smsSpendEndpoints } from '../hooks/smsSpend'

export const SMS_REPORT_STATUSES = ['delivered', 'failed'] as const

/**
 * One row per text message the provider accepted (issue 17): who it went to
 * (the subscriber, and the number's keyed index so that a delivery report or
 * a reply, which name only the number, finds it), under which call (BizId:
 * a batch call has one for up to 100 numbers), what it cost (segments, as
 * billed), and what the provider later reported (回执). Written by the SMS
 * driver right after the call answered; the report callback fills `report*`.
 * The month's segments by content type come from here (the budget cap).
 */
export const SmsMessages: CollectionConfig = {
  slug: 'sms-messages',
  labels: { singular: label('col.sms-messages.singular'), plural: label('col.sms-messages.plural') },
  admin: { hidden: true },
  access: { read: nobody, create: nobody, update: nobody, delete: nobody },
  lockDocuments: false,
  // The month's segments and cost for admins and editors (src/hooks/smsSpend.ts).
  endpoints: smsSpendEndpoints,
  fields: [
    { name: 'delivery', type: 'text', required: true, index: true },
    { name: 'subscriber', type: 'text', required: true },
    { name: 'contentType', type: 'text', required: true },
    { name: 'phoneIndex', type: 'text', required: true, index: true },
    { name: 'bizId', type: 'text', required: true, index: true },
    { name: 'segments', type: 'number', required: true, min: 1 },
    { name: 'sentAt', type: 'date', required: true, index: true },
    { name: 'reportStatus', type: 'select', options: SMS_REPORT_STATUSES.map((value) => ({ value, label: value })) },
    /** The provider's err_code (DELIVERED, or the carrier's code such as MK:0001). */
    { name: 'reportCode', type: 'text' },
    { name: 'reportedAt', type: 'date' },
  ],
  indexes: [{ fields: ['delivery', 'subscriber'], unique: true }],
}
