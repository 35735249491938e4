import type { Field } from 'payload'

import { label } from '../i18n/messages'
import type { ContentSlug } from '../model/content'
import { channelsOfType } from '../model/deliveries'

/**
 * A content's publishing choices, set by the publish dialog
 * (src/components/PublishButton.tsx), never shown as fields:
 * - `channels`: per channel ticked or unticked for this content; a box never
 *   set (null) takes the site's default for the type (src/globals/siteSettings/audience.ts);
 * - `notice`: ask for a notice with this save (a correction published over the
 *   published content, or a withdrawal); read and cleared by the save itself;
 * - `wechatRepublish`: with a correction, delete the published WeChat article
 *   and publish it again (WeChat cannot replace one); read and cleared likewise;
 * - `corrections`, `withdrawals`: how many there have been, the number a notice is keyed by.
 */
export const publishChoiceFields = (slug: ContentSlug): Field[] => [
  {
    name: 'channels',
    type: 'group',
    label: label('audience.field.channels'),
    admin: { hidden: true },
    fields: channelsOfType(slug).map((c): Field => ({ name: c, type: 'checkbox', label: label(`channel.${c}`) })),
  },
  { name: 'notice', type: 'checkbox', label: label('audience.field.askNotice'), admin: { hidden: true } },
  { name: 'wechatRepublish', type: 'checkbox', label: label('audience.wechat.replace'), admin: { hidden: true } },
  { name: 'corrections', type: 'number', admin: { hidden: true, readOnly: true } },
  { name: 'withdrawals', type: 'number', admin: { hidden: true, readOnly: true } },
]

/** The publishing choices are no part of what a reader sees (left out of the approval's fingerprint). */
export const PUBLISH_CHOICE_KEYS = ['channels', 'notice', 'wechatRepublish', 'corrections', 'withdrawals'] as const
