import fs from 'node:fs/promises'
import path from 'node:path'

import type { CollectionConfig, PayloadRequest, TextFieldSingleValidation } from 'payload'

import { anyone, editorsOnly, writingStaffOnly } from '../access'
import { label, langOf, t } from '../i18n/messages'
import { env } from '../server/env'

/**
 * Payload answers a file missing from the disk with a 500 ("Something went
 * wrong"): a stale link or a guessed name is the caller's mistake, so it gets
 * a 404 here. Existing files and names outside the folder (Payload's own 400)
 * pass on to Payload's file handler (a handler that returns nothing).
 */
async function missingFile(req: PayloadRequest, collection: string, filename: string): Promise<Response | undefined> {
  const staticDir = req.payload.collections[collection as 'media']?.config.upload?.staticDir
  if (!staticDir) return undefined
  const dir = path.resolve(staticDir)
  const file = path.resolve(dir, filename)
  if (!file.startsWith(dir + path.sep)) return undefined
  const missing = await fs.stat(file).then(
    () => false,
    (err: NodeJS.ErrnoException) => err.code === 'ENOENT',
  )
  if (!missing) return undefined
  return Response.json({ errors: [{ message: t('api.error.fileNotFound', langOf(req)) }] }, { status: 404, headers: { 'Cache-Control': 'no-store' } })
}

// Payload types a handler as returning a Response or nothing, not a promise of either.
export const missingFileIs404 = (req: PayloadRequest, { params }: { params: { collection: string; filename: string } }) =>
  missingFile(req, params.collection, params.filename) as Promise<Response>

/** An image's alt text: required, and more than blanks. */
export const altRequired: TextFieldSingleValidation = (value, { req }) => (typeof value === 'string' && value.trim() ? true : t('error.altRequired', langOf(req)))

export const Media: CollectionConfig = {
  slug: 'media',
  labels: { singular: label('col.media.singular'), plural: label('col.media.plural') },
  admin: { group: label('group.content') },
  // Images appear on public pages, so anyone may fetch them.
  access: { read: anyone, create: writingStaffOnly, update: editorsOnly, delete: editorsOnly },
  upload: {
    // Absolute, from DATA_DIR/MEDIA_DIR: a relative staticDir is resolved against the working directory.
    staticDir: env.mediaDir,
    mimeTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'],
    imageSizes: [
      { name: 'thumb', width: 400, height: 300, position: 'centre' },
      { name: 'page', width: 1200, withoutEnlargement: true },
    ],
    adminThumbnail: 'thumb',
    handlers: [missingFileIs404],
  },
  fields: [
    {
      // Required: an image in content without its description says nothing to a screen reader (the
      // pre-publish checks' image-alt finding stays for images saved before it was). Required by this
      // check, not `required: true`, which on SQLite is a NOT NULL column whose generated migration rebuilds
      // the media table and would fail on, or clear references to, older images without one. The label
      // (LinkedLabel) shows it as required and is tied to its input in drawers too.
      name: 'alt',
      type: 'text',
      label: label('field.alt'),
      maxLength: 200,
      validate: altRequired,
      admin: { description: label('field.alt.description'), components: { Label: '/components/LinkedLabel#RequiredLinkedLabel' } },
    },
  ],
}
