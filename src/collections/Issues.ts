import type { CollectionAfterChangeHook, CollectionBeforeChangeHook } from 'payload'

import { bodyField, summaryField } from '../fields/content'
import { label } from '../i18n/messages'
import { nextCounterValue } from '../store/counters'
import { contentCollection } from './contentCollection'

type IssueDoc = { id: string | number; number?: number | null; _status?: string }

const storedIssue = (req: Parameters<CollectionBeforeChangeHook>[0]['req'], id: string | number) =>
  req.payload.db.findOne<IssueDoc>({ collection: 'issues', where: { id: { equals: id } }, req })

/**
 * 期号 belong to publication, not to drafts: a draft has none (未编号), and
 * the number stored on the issue is the only one it ever has. Whatever a
 * request sends is ignored; the stored number is carried into every save
 * (drafts, a withdrawal, a republish, a restored version). A draft gets no
 * `number` key at all: a sparse unique index on MongoDB still indexes an
 * explicit null.
 */
const keepNumber: CollectionBeforeChangeHook = async ({ data, operation, originalDoc, req }) => {
  const id = operation === 'update' ? (originalDoc as IssueDoc | undefined)?.id : undefined
  const stored = id != null ? await storedIssue(req, id) : null
  if (typeof stored?.number === 'number') data.number = stored.number
  else delete data.number
  return data
}

/**
 * The number is taken when an issue is first published, so numbers follow
 * publication order and run without gaps: after the save has passed the
 * publication gate and validation and its document is written (a refused
 * publication takes none), before the other hooks after the change. On
 * SQLite the counter moves inside the save's transaction and goes back with
 * it; on MongoDB the value is claimed once per issue (store/counters.ts), so
 * two simultaneous publications of one issue share one number. The number
 * is written to the main document and to the version this save made, which
 * the admin shows.
 */
const numberAtFirstPublication: CollectionAfterChangeHook = async ({ doc, req }) => {
  const issue = doc as IssueDoc
  if (issue._status !== 'published' || typeof issue.number === 'number') return doc
  const stored = await storedIssue(req, issue.id)
  if (stored?._status !== 'published') return doc
  if (typeof stored.number === 'number') {
    issue.number = stored.number
    return doc
  }
  // Never below the highest number stored (a counter lost in a restore, say).
  const { docs } = await req.payload.db.find<IssueDoc>({ collection: 'issues', sort: '-number', limit: 1, pagination: false, where: { number: { exists: true } }, req })
  const number = await nextCounterValue(req, 'issues.number', Number(docs[0]?.number ?? 0), { for: `issues:${issue.id}` })
  await req.payload.db.updateOne({ collection: 'issues', id: issue.id, data: { number }, returning: false, req })
  const { docs: latest } = await req.payload.db.findVersions<Record<string, unknown>>({
    collection: 'issues',
    where: { and: [{ parent: { equals: issue.id } }, { latest: { equals: true } }] },
    sort: '-updatedAt',
    limit: 1,
    pagination: false,
    req,
  })
  const v = latest[0] as { id: string | number; createdAt?: string; updatedAt?: string; version?: Record<string, unknown> } | undefined
  if (v?.version) {
    // The shape Payload itself writes back when it updates a version (versions/saveVersion).
    const versionData = { createdAt: v.createdAt, updatedAt: v.updatedAt, latest: true, parent: issue.id, version: { ...v.version, number } }
    await req.payload.db.updateVersion({ collection: 'issues', id: v.id, versionData: versionData as never, returning: false, req })
  }
  issue.number = number
  return doc
}

export const Issues = contentCollection({
  slug: 'issues',
  defaultColumns: ['number', 'title', '_status', 'publishedAt', 'urgent'],
  fields: [
    {
      name: 'number',
      type: 'number',
      label: label('field.number'),
      unique: true,
      index: true,
      admin: {
        readOnly: true,
        position: 'sidebar',
        description: label('field.number.description'),
        // A draft reads 未编号 (unnumbered), in the list and on its edit page.
        components: { Cell: '/components/IssueNumber#IssueNumberCell', Field: '/components/IssueNumber#IssueNumberField' },
      },
      access: { create: () => false, update: () => false },
    },
    { name: 'cover', type: 'upload', relationTo: 'media', label: label('field.cover') },
    summaryField,
    {
      name: 'articles',
      type: 'array',
      label: label('field.articles'),
      labels: { singular: label('field.article'), plural: label('field.articles') },
      minRows: 1,
      maxRows: 30,
      required: true,
      admin: { initCollapsed: false },
      fields: [
        { name: 'title', type: 'text', label: label('field.title'), required: true, maxLength: 120 },
        { name: 'author', type: 'text', label: label('field.author'), maxLength: 60 },
        summaryField,
        bodyField('body'),
      ],
    },
  ],
  hooks: { beforeChange: [keepNumber], afterChange: [numberAtFirstPublication] },
})
