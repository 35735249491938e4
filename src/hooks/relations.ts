import { APIError, type CollectionBeforeChangeHook, type CollectionSlug, type CollectionBeforeDeleteHook, type Field, ValidationError } from 'payload'

import { langOf, type MessageKey, t } from '../i18n/messages'
import type { Id } from '../model/ids'

type RelationField = { name: string; relationTo: string; label?: unknown }

/** Top-level relationship and upload fields to one collection each (rows and collapsibles looked into). */
function relationFields(fields: Field[]): RelationField[] {
  return fields.flatMap((f): RelationField[] => {
    if ((f.type === 'row' || f.type === 'collapsible') && 'fields' in f) return relationFields(f.fields)
    if ((f.type === 'relationship' || f.type === 'upload') && typeof f.relationTo === 'string')
      return [{ name: f.name, relationTo: f.relationTo, label: f.label }]
    return []
  })
}

const idOfValue = (v: unknown): unknown =>
  v && typeof v === 'object' ? ((v as { id?: unknown; value?: unknown }).id ?? (v as { value?: unknown }).value) : v

/**
 * Every id a save gives a relationship field names an existing document.
 * Field validation does not run on drafts (versions.drafts.validate is false)
 * and a field's own validate replaces Payload's, so without this an unknown or
 * malformed id reached the database: a foreign-key failure (HTTP 500) on
 * SQLite, a dangling reference on MongoDB.
 */
export const relationsExist: CollectionBeforeChangeHook = async ({ data, req, collection }) => {
  const { payload } = req
  const mongo = payload.db.name === 'mongoose'
  const wellFormed = (v: unknown): v is Id =>
    mongo
      ? typeof v === 'string' && /^[0-9a-f]{24}$/i.test(v)
      : typeof v === 'number' && Number.isInteger(v) && v > 0
  for (const field of relationFields(collection.fields)) {
    const given = data?.[field.name]
    if (given == null) continue
    const ids = (Array.isArray(given) ? given : [given]).map(idOfValue).filter((v) => v != null && v !== '')
    if (!ids.length) continue
    const valid = ids.filter(wellFormed)
    const found = valid.length
      ? (
          await payload.find({
            collection: field.relationTo as CollectionSlug,
            where: { id: { in: valid } },
            depth: 0,
            limit: 0,
            pagination: false,
            select: {},
            overrideAccess: true,
            req,
          })
        ).docs.map((d) => String(d.id))
      : []
    const unknown = ids.filter((v) => !found.includes(String(v)))
    if (unknown.length) {
      const lang = langOf(req)
      const label = (field.label as Record<string, string> | undefined)?.[lang] ?? field.name
      throw new ValidationError(
        {
          collection: collection.slug,
          errors: [{ path: field.name, message: t('error.unknownRelation', lang, { label, id: unknown.map(String).join(', ') }) }],
          req,
        },
        req.t,
      )
    }
  }
  return data
}

/** `named`: the message also names up to NAMED_AT_MOST of the referring documents by their title. */
type Reference = { collection: string; field: string; labelKey: MessageKey; named?: boolean }
const NAMED_AT_MOST = 5

/**
 * Refuse to delete a document others still point at (a grid with subscribers,
 * a community with grids): the admin is told what to move first, instead of
 * a foreign-key failure on SQLite or dangling references on MongoDB.
 */
export function refuseDeleteWhileReferenced(references: Reference[]): CollectionBeforeDeleteHook {
  return async ({ id, req }) => {
    const lang = langOf(req)
    const uses: string[] = []
    for (const ref of references) {
      const { totalDocs } = await req.payload.count({
        collection: ref.collection as never,
        where: { [ref.field]: { in: [id] } },
        overrideAccess: true,
        req,
      })
      if (totalDocs === 0) continue
      const counted = `${t(ref.labelKey, lang)} ${totalDocs}`
      if (!ref.named) {
        uses.push(counted)
        continue
      }
      const { docs } = await req.payload.find({
        collection: ref.collection as never,
        where: { [ref.field]: { in: [id] } },
        limit: NAMED_AT_MOST,
        depth: 0,
        select: { title: true } as never,
        overrideAccess: true,
        req,
      })
      const titles = docs.map((d) => t('error.stillReferenced.title', lang, { title: String((d as { title?: unknown }).title ?? (d as { id: unknown }).id) }))
      const names = titles.join(t('error.stillReferenced.titleSeparator', lang)) + (totalDocs > titles.length ? t('error.stillReferenced.more', lang) : '')
      uses.push(t('error.stillReferenced.named', lang, { counted, names }))
    }
    if (uses.length) throw new APIError(t('error.stillReferenced', lang, { uses: uses.join('、') }), 409, null, true)
  }
}
