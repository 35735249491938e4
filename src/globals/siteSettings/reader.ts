import type { Field } from 'payload'

import { label } from '../../i18n/messages'

/**
 * Site settings fields of one product area (reader), spread into the SiteSettings global.
 *
 * wechatJsSdk: whether the account may sign the JS-SDK's wx.config for this
 * site. A site setting, not an environment flag: it is a fact about the
 * account that an admin establishes in WeChat's console (a verified account,
 * this domain registered as its JS safe domain) and can lose (verification
 * lapses yearly), with nothing secret in it; the app id and secret stay in
 * the environment, and without them the setting does nothing.
 */
export const readerSettingsFields: Field[] = [
  {
    name: 'wechatJsSdk',
    type: 'checkbox',
    label: label('settings.wechatJsSdk'),
    defaultValue: false,
    admin: { description: label('settings.wechatJsSdk.description') },
  },
]
