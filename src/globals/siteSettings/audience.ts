import type { Field } from 'payload'

import { label } from '../../i18n/messages'
import { CONTENT_SLUGS } from '../../model/content'
import { channelsOfType } from '../../model/deliveries'

/**
 * Site settings fields of one product area (audience), spread into the SiteSettings global:
 * the channels ticked by default in the publish dialog, per content type (the editor may untick
 * them for one content). One checkbox per channel, so a street that has not set them (a value
 * never written) keeps every channel: only an unticked box (false) leaves one out.
 */
export const audienceSettingsFields: Field[] = [
  {
    name: 'publishChannels',
    type: 'group',
    label: label('audience.settings.publishChannels'),
    admin: { description: label('audience.settings.publishChannels.description') },
    fields: CONTENT_SLUGS.map(
      (slug): Field => ({
        name: slug,
        type: 'group',
        label: label(`col.${slug}.plural`),
        fields: [
          {
            type: 'row',
            fields: channelsOfType(slug).map((c): Field => ({ name: c, type: 'checkbox', label: label(`channel.${c}`), defaultValue: true })),
          },
        ],
      }),
    ),
  },
]
