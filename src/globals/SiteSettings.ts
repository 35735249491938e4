import type { GlobalConfig } from 'payload'

import { adminsOnly, staffOnly } from '../access'
import { auditSettingsChange } from '../hooks/auditLog'
import { label } from '../i18n/messages'
import { invalidateSiteCacheHook } from '../site/cache'
import { reviewSettingsFields } from './siteSettings/review'
import { audienceSettingsFields } from './siteSettings/audience'
import { previewsSettingsFields } from './siteSettings/previews'
import { homesSettingsFields } from './siteSettings/homes'
import { readerSettingsFields } from './siteSettings/reader'
import { kioskSettingsFields } from './siteSettings/kiosk'
import { smsQuietSettingsFields } from './siteSettings/smsQuiet'
import { inspectSettingsFields } from './siteSettings/inspect'
import { adminSettingsFields } from './siteSettings/admin'
import { documentsSettingsFields } from './siteSettings/documents'
import { smsBudgetSettingsFields } from './siteSettings/smsBudget'
import { relayLeadersSettingsFields } from './siteSettings/relayLeaders'

export const SiteSettings: GlobalConfig = {
  slug: 'site-settings',
  label: label('global.site-settings'),
  admin: { group: label('group.system') },
  access: { read: staffOnly, update: adminsOnly },
  // Which fields an admin changed goes to the audit log (never the values).
  hooks: { afterChange: [invalidateSiteCacheHook, auditSettingsChange] },
  fields: [
    {
      type: 'row',
      fields: [
        { name: 'streetName', type: 'text', label: label('settings.streetName'), required: true, defaultValue: '街道', maxLength: 60 },
        {
          name: 'periodicalName',
          type: 'text',
          label: label('settings.periodicalName'),
          required: true,
          defaultValue: '街道资讯',
          maxLength: 60,
        },
      ],
    },
    { name: 'logo', type: 'upload', relationTo: 'media', label: label('settings.logo') },
    { name: 'hotline', type: 'text', label: label('settings.hotline'), maxLength: 30 },
    {
      type: 'row',
      fields: [
        { name: 'wechatName', type: 'text', label: label('settings.wechatName'), maxLength: 60 },
        { name: 'wechatQr', type: 'upload', relationTo: 'media', label: label('settings.wechatQr') },
      ],
    },
    { name: 'footerText', type: 'textarea', label: label('settings.footerText'), maxLength: 500 },
    {
      type: 'row',
      fields: [
        { name: 'icp', type: 'text', label: label('settings.icp'), maxLength: 60 },
        { name: 'psb', type: 'text', label: label('settings.psb'), maxLength: 60 },
      ],
    },
    {
      name: 'allowGridLeaderDirectPublish',
      type: 'checkbox',
      label: label('settings.allowDirect'),
      defaultValue: false,
    },
    {
      name: 'sensitiveWords',
      type: 'textarea',
      label: label('settings.sensitiveWords'),
      admin: { description: label('settings.sensitiveWords.description') },
    },
    {
      // Office holders' names and titles as the street writes them, with their known wrong forms:
      // a wrong form in content is a serious finding of the pre-publish checks (src/checks).
      name: 'officialNames',
      type: 'array',
      label: label('settings.officialNames'),
      labels: { singular: label('settings.officialNames.row'), plural: label('settings.officialNames') },
      admin: { description: label('settings.officialNames.description'), initCollapsed: true },
      maxRows: 200,
      fields: [
        { name: 'correct', type: 'text', label: label('settings.officialNames.correct'), required: true, maxLength: 60 },
        {
          name: 'wrong',
          type: 'textarea',
          label: label('settings.officialNames.wrong'),
          maxLength: 1000,
          admin: { description: label('settings.officialNames.wrong.description') },
        },
      ],
    },
    // Fields of each product area, kept in ./siteSettings/.
    ...reviewSettingsFields,

    ...audienceSettingsFields,

    ...previewsSettingsFields,

    ...homesSettingsFields,

    ...relayLeadersSettingsFields,

    ...readerSettingsFields,

    ...kioskSettingsFields,

    ...smsQuietSettingsFields,

    ...inspectSettingsFields,

    ...adminSettingsFields,

    ...documentsSettingsFields,

    ...smsBudgetSettingsFields,
  ],
}
