import path from 'node:path'

import { type CollectionBeforeValidateHook, type CollectionConfig, type GroupField, type Validate, ValidationError } from 'payload'

import { anyone, editorsOnly, isAdmin, isEditor, isStaff, type StaffUser } from '../access'
import { refreshCitations } from '../documents/refresh'
import { policyLinksReport } from '../documents/report'
import { checksOverrideField } from '../fields/content'
import { dayPicker } from '../fields/dates'
import { publicContactsField } from '../fields/publicContacts'
import { auditChecksOverride } from '../hooks/checksGate'
import { documentFileChecks } from '../hooks/documentFileChecks'
import { refuseDeleteWhileReferenced } from '../hooks/relations'
import { label, langOf, t } from '../i18n/messages'
import { env } from '../server/env'
import { invalidateSiteCache } from '../site/cache'
import { missingFileIs404 } from './Media'

export const httpUrl: Validate = (value, { req }) =>
  !value || /^https?:\/\/[^\s]+$/i.test(String(value)) ? true : t('error.invalidUrl', langOf(req))

function dropPages(id: string | number) {
  invalidateSiteCache({ collection: 'policy-documents', id })
  invalidateSiteCache({ collection: 'policies' })
}

/** A document is findable by its file, its official address, or both; never by neither. */
const fileOrUrl: CollectionBeforeValidateHook = ({ data, originalDoc, req, collection }) => {
  const has = (v: unknown) => typeof v === 'string' && v.trim() !== ''
  const file = Boolean(req.file) || has(data?.filename) || has(originalDoc?.filename)
  const url = data && 'officialUrl' in data ? has(data.officialUrl) : has(originalDoc?.officialUrl)
  if (!file && !url) {
    throw new ValidationError(
      { collection: collection.slug, errors: [{ path: 'officialUrl', message: t('document.error.fileOrUrl', langOf(req)) }], req },
      req.t,
    )
  }
  return data
}

/**
 * The content's override (fields/content.ts), here an admin's reason to save a
 * file past personal information in its text (hooks/documentFileChecks.ts).
 * Documents are public records: the reason and who gave it are staff's only.
 */
const documentChecksOverrideField: GroupField = {
  ...checksOverrideField,
  access: { read: ({ req }) => isStaff(req.user) },
  admin: {
    ...checksOverrideField.admin,
    description: label('document.field.checksOverride.description'),
    condition: (_data, _sibling, { user }) => isAdmin(user as StaffUser | null),
  },
}

/**
 * 政策文件: the document a policy explainer explains (title, issuing body,
 * number, date, the file or its official address). Public records: the site
 * shows each at /documents/:id with the explainers that link to it.
 */
export const PolicyDocuments: CollectionConfig = {
  slug: 'policy-documents',
  labels: { singular: label('col.policy-documents.singular'), plural: label('col.policy-documents.plural') },
  admin: { useAsTitle: 'title', group: label('group.content'), defaultColumns: ['title', 'issuingBody', 'documentNumber', 'issuedDate'] },
  defaultSort: '-issuedDate',
  access: { read: anyone, create: editorsOnly, update: editorsOnly, delete: editorsOnly },
  upload: {
    staticDir: path.join(env.mediaDir, 'documents'),
    mimeTypes: [
      'application/pdf',
      'application/ofd',
      'application/msword',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      // What Payload's type sniffing calls an OFD (a zip) and an old .doc (a compound file); the file
      // checks (hooks/documentFileChecks.ts) let through only a real OFD and a .doc and store their own type.
      'application/zip',
      'application/x-cfb',
    ],
    filesRequiredOnCreate: false,
    handlers: [missingFileIs404],
  },
  endpoints: [
    {
      // 政策文件与解读关联: explainers without a document, documents without an explainer.
      path: '/links-report',
      method: 'get',
      handler: async (req) => {
        if (!isEditor(req.user as StaffUser | null)) {
          return Response.json({ errors: [{ message: t('documents.error.forbidden', langOf(req)) }] }, { status: 403 })
        }
        return Response.json(await policyLinksReport(req.payload), { headers: { 'Cache-Control': 'no-store' } })
      },
    },
  ],
  fields: [
    { name: 'title', type: 'text', label: label('document.field.title'), required: true, maxLength: 200 },
    {
      type: 'row',
      fields: [
        { name: 'issuingBody', type: 'text', label: label('field.issuingBody'), required: true, maxLength: 120 },
        { name: 'documentNumber', type: 'text', label: label('field.documentNumber'), maxLength: 60 },
        { name: 'issuedDate', type: 'date', label: label('document.field.issuedDate'), index: true, admin: { date: dayPicker } },
      ],
    },
    {
      name: 'officialUrl',
      type: 'text',
      label: label('document.field.officialUrl'),
      maxLength: 500,
      validate: httpUrl,
      admin: { description: label('document.field.officialUrl.description') },
    },
    // Numbers the file publishes on purpose: not personal information to the file's checks (hooks/documentFileChecks.ts).
    publicContactsField,
    {
      name: 'fileCheck',
      type: 'textarea',
      label: label('document.field.fileCheck'),
      maxLength: 2000,
      // What the check found in the file (masked) and who let it through: staff's, as the override is.
      access: { read: ({ req }) => isStaff(req.user) },
      admin: { readOnly: true, position: 'sidebar', description: label('document.field.fileCheck.description') },
    },
    documentChecksOverrideField,
  ],
  hooks: {
    beforeValidate: [fileOrUrl],
    // The file's text is checked for personal information on create and on each replacement.
    beforeChange: [documentFileChecks],
    beforeDelete: [refuseDeleteWhileReferenced([{ collection: 'policies', field: 'document', labelKey: 'col.policies.plural', named: true }])],
    // An explainer's page names its document: a renamed document changes those pages too.
    // Its explainers' copies of its citation follow it (documents/refresh.ts).
    afterChange: [auditChecksOverride, refreshCitations, ({ doc }) => (dropPages(doc.id), doc)],
    afterDelete: [({ doc, id }) => (dropPages(id), doc)],
  },
}
