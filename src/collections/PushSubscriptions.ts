import type { CollectionConfig } from 'payload'

import { adminsOnly, nobody } from '../access'
import { dateTimePicker } from '../fields/dates'
import { label } from '../i18n/messages'

export type PushSubscriptionDoc = {
  id: string | number
  endpoint: string
  keys: { p256dh: string; auth: string }
  subscriber: string | number | { id: string | number }
  userAgent?: string | null
  lastSuccessAt?: string | null
  createdAt?: string
}

/**
 * One browser on one device that agreed to receive web push for a subscriber
 * (several per subscriber). The endpoint and keys let anyone push to that
 * browser, so only admins read them; residents see their devices, by user
 * agent and date, on their preferences page. Written only by the site
 * (src/site/subscribe.ts) and the delivery pipeline (404/410 removes one).
 */
export const PushSubscriptions: CollectionConfig = {
  slug: 'push-subscriptions',
  labels: { singular: label('col.push-subscriptions.singular'), plural: label('col.push-subscriptions.plural') },
  admin: {
    group: label('group.residents'),
    useAsTitle: 'userAgent',
    defaultColumns: ['subscriber', 'userAgent', 'createdAt', 'lastSuccessAt'],
    hidden: ({ user }) => (user as { role?: string } | null)?.role !== 'admin',
  },
  access: { read: adminsOnly, create: nobody, update: nobody, delete: adminsOnly },
  fields: [
    { name: 'endpoint', type: 'text', label: label('field.endpoint'), required: true, unique: true, index: true, maxLength: 2048 },
    {
      name: 'keys',
      type: 'group',
      fields: [
        { name: 'p256dh', type: 'text', required: true, maxLength: 200 },
        { name: 'auth', type: 'text', required: true, maxLength: 100 },
      ],
    },
    { name: 'subscriber', type: 'relationship', relationTo: 'subscribers', label: label('field.subscriber'), required: true, index: true },
    { name: 'userAgent', type: 'text', label: label('field.userAgent'), maxLength: 300 },
    { name: 'lastSuccessAt', type: 'date', label: label('field.lastSuccessAt'), admin: { date: dateTimePicker } },
  ],
}
