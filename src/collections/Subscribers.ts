import { type CollectionAfterChangeHook, type CollectionBeforeChangeHook, type CollectionConfig, type FieldAccess, ValidationError } from 'payload'

import { adminFieldOnly, adminsOnly, editorsOnly } from '../access'
import { dateTimePicker } from '../fields/dates'
import { audit } from '../hooks/audit'
import { label, langOf, t } from '../i18n/messages'
import { indexPhoneOnSave, maskPhoneOnRead, sealPhoneOnSave, smsOnlyTopics } from '../hooks/phone'
import { subscriberToolEndpoints } from './SubscribersTools'

export {
  SUBSCRIBER_STATUSES,
  SUBSCRIBER_CHANNELS,
  TOPICS,
  CONSENT_PURPOSES,
  CONSENT_METHODS,
  SUBSCRIBER_SOURCES,
  type SubscriberStatus,
  type SubscriberChannel,
  type Topic,
  type ConsentPurpose,
  type ConsentMethod,
  type ConsentEntry,
  type SubscriberDoc,
  type PendingRequest,
  newRef,
} from '../model/subscribers'
import {
  newRef,
  DEFAULT_CHANNEL_ORDER,
  CONSENT_METHODS,
  CONSENT_PURPOSES,
  SUBSCRIBER_CHANNELS,
  SUBSCRIBER_SOURCES,
  SUBSCRIBER_STATUSES,
  type SubscriberDoc,
  type SubscriberStatus,
  TOPICS,
} from '../model/subscribers'

/**
 * A status change by a staff member (through the admin or the API; the
 * resident's own changes come through src/subscribers/service.ts with no
 * user). An unsubscribed address stays so: only its owner subscribes it
 * again, by confirming from their mailbox. Lifting a suppression (the admin
 * knows the address works again) clears its reason and is audited.
 */
const staffStatusChange: CollectionBeforeChangeHook = ({ data, originalDoc, operation, req }) => {
  if (operation !== 'update' || !req.user || !originalDoc) return data
  const before = (originalDoc as SubscriberDoc).status
  const next = (data.status ?? before) as SubscriberStatus
  if (before === 'unsubscribed' && next !== 'unsubscribed') {
    const lang = langOf(req)
    throw new ValidationError(
      { collection: 'subscribers', errors: [{ path: 'status', label: t('field.status', lang), message: t('subscribers.error.unsubscribedStays', lang) }], req },
      req.t,
    )
  }
  if (before === 'suppressed' && next !== 'suppressed') {
    data.suppressedReason = null
    data.suppressedBy = null
    data.suppressedCode = null
    data.suppressedAt = null
    req.context[`unsuppressed:${String(originalDoc.id)}`] = (originalDoc as SubscriberDoc).suppressedReason ?? ''
  }
  return data
}

const auditUnsuppress: CollectionAfterChangeHook = async ({ doc, req }) => {
  const key = `unsuppressed:${String(doc.id)}`
  if (!(key in req.context)) return doc
  const reason = String(req.context[key] ?? '')
  delete req.context[key]
  // By id only: the audit log outlives the record and keeps no address.
  await audit(req, 'unsuppress', { collection: 'subscribers', id: doc.id }, reason ? t('audit.detail.unsuppress', 'zh', { reason }) : undefined)
  return doc
}


const noOne: FieldAccess = () => false

/**
 * Residents who subscribed. Who sees what (docs/privacy.md):
 * - admins: everything but the link secrets (ref, confirmNonce), which nobody reads through the API;
 * - editors: the records without the address, so they can count by grid, status and channel;
 * - grid leaders and community staff: nothing here; their grids' figures come from the dashboards' aggregates;
 * - residents: their own record only, through the signed preferences link (src/site/subscribe.ts).
 * Field read access also governs queries: an editor cannot filter or search by address.
 */
export const Subscribers: CollectionConfig = {
  slug: 'subscribers',
  labels: { singular: label('col.subscribers.singular'), plural: label('col.subscribers.plural') },
  admin: {
    group: label('group.residents'),
    useAsTitle: 'email',
    // Search is by address, which only admins may query: other roles are not offered it (components/SubscribersSearch.tsx).
    listSearchableFields: ['email'],
    components: { beforeList: ['/components/SubscribersSearch#SubscribersSearch'] },
    defaultColumns: ['email', 'phoneMasked', 'grid', 'status', 'channels', 'topics', 'createdAt'],
    description: label('subscribers.description'),
    hidden: ({ user }) => !['admin', 'editor'].includes(String((user as { role?: string } | null)?.role)),
  },
  defaultSort: '-createdAt',
  access: { read: editorsOnly, create: adminsOnly, update: adminsOnly, delete: adminsOnly },
  // CSV import and export for admins (src/collections/SubscribersTools.ts; the view: /admin/subscriber-tools).
  endpoints: subscriberToolEndpoints,
  hooks: {
    beforeValidate: [
      ({ data }) => {
        if (data && typeof data.email === 'string') data.email = data.email.trim().toLowerCase()
        return data
      },
    ],
    beforeChange: [
      ({ data, operation }) => {
        if (operation === 'create' && !data.ref) data.ref = newRef()
        return data
      },
      staffStatusChange,
      smsOnlyTopics,
    ],
    afterChange: [auditUnsuppress],
    // Staff see a number masked: the virtual phoneMasked is filled before field access strips the sealed phone.
    beforeRead: [maskPhoneOnRead],
    // Erasure is complete: a subscriber's devices and personal reading history go with it, in the same transaction.
    beforeDelete: [
      async ({ id, req }) => {
        await req.payload.delete({ collection: 'push-subscriptions', where: { subscriber: { equals: id } }, overrideAccess: true, req })
        await req.payload.db.deleteMany({ collection: 'reading-history', where: { subscriber: { equals: String(id) } }, req })
      },
    ],
  },
  fields: [
    {
      name: 'email',
      type: 'email',
      label: label('field.email'),
      // Optional for a resident who chose SMS only (they have a verified number instead). Unique where given:
      // SQLite's unique index admits many NULLs; on MongoDB Payload makes an optional unique index sparse, and
      // the service never writes an explicit null, so a number-only record has no `email` key at all.
      unique: true,
      index: true,
      access: { read: adminFieldOnly, create: adminFieldOnly, update: adminFieldOnly },
    },
    {
      // Sealed (src/subscribers/phone.ts): a plain number written here is normalised and sealed on save.
      name: 'phone',
      type: 'text',
      label: label('field.mobile'),
      access: { read: adminFieldOnly, create: adminFieldOnly, update: adminFieldOnly },
      admin: { hidden: true },
      hooks: { beforeChange: [sealPhoneOnSave] },
    },
    {
      // What staff see of the number (138****1234), never stored: filled on read from the sealed number.
      name: 'phoneMasked',
      type: 'text',
      virtual: true,
      label: label('field.mobileMasked'),
      admin: { readOnly: true },
      access: { create: noOne, update: noOne },
    },
    {
      name: 'phoneIndex',
      type: 'text',
      index: true,
      // Derived from `phone` on every save (never from a request): how a number is found.
      access: { read: adminFieldOnly },
      admin: { hidden: true },
      hooks: { beforeChange: [indexPhoneOnSave] },
    },
    { name: 'grid', type: 'relationship', relationTo: 'grids', label: label('field.grid'), required: true, index: true },
    {
      name: 'channels',
      type: 'select',
      hasMany: true,
      required: true,
      label: label('field.channels'),
      options: SUBSCRIBER_CHANNELS.map((value) => ({ value, label: label(`channel.${value}`) })),
    },
    {
      name: 'topics',
      type: 'select',
      hasMany: true,
      label: label('field.topics'),
      options: TOPICS.map((value) => ({ value, label: label(`topic.${value}`) })),
    },
    {
      // SMS costs money: by default it carries urgent notices only, and the content types ticked here.
      name: 'smsTopics',
      type: 'select',
      hasMany: true,
      defaultValue: [],
      label: label('field.smsTopics'),
      options: TOPICS.map((value) => ({ value, label: label(`topic.${value}`) })),
    },
    {
      // The order of channels for fallback (src/delivery/fallback.ts): free ones first, SMS last, unless the resident changes it.
      name: 'channelOrder',
      type: 'select',
      hasMany: true,
      defaultValue: [...DEFAULT_CHANNEL_ORDER],
      label: label('fallback.field.channelOrder'),
      options: SUBSCRIBER_CHANNELS.map((value) => ({ value, label: label(`channel.${value}`) })),
    },
    {
      name: 'status',
      type: 'select',
      required: true,
      defaultValue: 'pending',
      index: true,
      label: label('field.status'),
      options: SUBSCRIBER_STATUSES.map((value) => ({ value, label: label(`status.${value}`) })),
    },
    {
      // History, newest last: every grant and withdrawal with its time and the version of the text agreed to.
      name: 'consents',
      type: 'array',
      label: label('field.consents'),
      labels: { singular: label('field.consent'), plural: label('field.consents') },
      fields: [
        {
          name: 'purpose',
          type: 'select',
          required: true,
          label: label('field.consentPurpose'),
          options: CONSENT_PURPOSES.map((value) => ({ value, label: label(`consent.${value}`) })),
        },
        { name: 'granted', type: 'checkbox', label: label('field.consentGranted'), defaultValue: false },
        { name: 'at', type: 'date', required: true, label: label('field.consentAt'), admin: { date: dateTimePicker } },
        { name: 'textVersion', type: 'text', required: true, label: label('field.consentVersion'), maxLength: 40 },
        {
          name: 'method',
          type: 'select',
          required: true,
          label: label('field.consentMethod'),
          options: CONSENT_METHODS.map((value) => ({ value, label: label(`consentMethod.${value}`) })),
        },
        { name: 'evidence', type: 'text', label: label('field.consentEvidence'), maxLength: 200 },
      ],
    },
    { name: 'confirmedAt', type: 'date', label: label('field.confirmedAt'), admin: { readOnly: true, date: dateTimePicker } },
    { name: 'unsubscribedAt', type: 'date', label: label('field.unsubscribedAt'), admin: { readOnly: true, date: dateTimePicker } },
    // When the address last asked to subscribe (re-sends of the confirmation mail).
    { name: 'lastRequestAt', type: 'date', admin: { hidden: true } },
    {
      name: 'source',
      type: 'select',
      label: label('field.source'),
      defaultValue: 'admin',
      options: SUBSCRIBER_SOURCES.map((value) => ({ value, label: label(`consentMethod.${value}`) })),
    },
    { name: 'suppressedReason', type: 'text', label: label('field.suppressedReason'), maxLength: 300 },
    // Which delivery suppressed the address, with which code, and when (src/subscribers/suppression.ts): a relay incident is undone by delivery and code.
    { name: 'suppressedBy', type: 'text', index: true, label: label('field.suppressedBy'), admin: { readOnly: true } },
    { name: 'suppressedCode', type: 'text', label: label('field.suppressedCode'), maxLength: 40, admin: { readOnly: true } },
    { name: 'suppressedAt', type: 'date', label: label('field.suppressedAt'), admin: { readOnly: true, date: dateTimePicker } },
    // Written only by the subscribe service (src/subscribers/service.ts): a request waiting for confirmation, and when a confirmation mail last went out.
    {
      name: 'pendingRequest',
      type: 'json',
      admin: { hidden: true },
      access: { read: adminFieldOnly, create: noOne, update: noOne },
    },
    {
      name: 'confirmMailAt',
      type: 'date',
      label: label('field.confirmMailAt'),
      admin: { readOnly: true, date: dateTimePicker },
      access: { read: adminFieldOnly, create: noOne, update: noOne },
    },
    // Link secrets: whoever reads them can open the resident's preferences page, so nobody reads them through the API.
    {
      name: 'ref',
      type: 'text',
      unique: true,
      index: true,
      admin: { hidden: true },
      access: { read: noOne, create: noOne, update: noOne },
    },
    { name: 'confirmNonce', type: 'text', admin: { hidden: true }, access: { read: noOne, create: noOne, update: noOne } },
    // The verification code sent by SMS (src/subscribers/smsCode.ts): its keyed hash, when it expires, tries left. Nobody reads them.
    { name: 'smsCode', type: 'text', admin: { hidden: true }, access: { read: noOne, create: noOne, update: noOne } },
    { name: 'smsCodeExpiresAt', type: 'date', admin: { hidden: true }, access: { read: noOne, create: noOne, update: noOne } },
    { name: 'smsCodeTries', type: 'number', admin: { hidden: true }, access: { read: noOne, create: noOne, update: noOne } },
  ],
}
