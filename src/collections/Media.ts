import type { CollectionConfig } from 'payload'

import { anyone, editorsOnly, staffOnly } from '../access'
import { label } from '../i18n/messages'
import { env } from '../server/env'

export const Media: CollectionConfig = {
  slug: 'media',
  labels: { singular: label('col.media.singular'), plural: label('col.media.plural') },
  admin: { group: label('group.content') },
  // Images appear on public pages, so anyone may fetch them.
  access: { read: anyone, create: staffOnly, update: editorsOnly, delete: editorsOnly },
  upload: {
    // Absolute, from DATA_DIR/MEDIA_DIR: a relative staticDir is resolved against the working directory.
    staticDir: env.mediaDir,
    mimeTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'],
    imageSizes: [
      { name: 'thumb', width: 400, height: 300, position: 'centre' },
      { name: 'page', width: 1200, withoutEnlargement: true },
    ],
    adminThumbnail: 'thumb',
  },
  fields: [{ name: 'alt', type: 'text', label: label('field.alt'), maxLength: 200 }],
}
