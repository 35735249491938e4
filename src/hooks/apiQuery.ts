import {
  NotFound,
  ValidationError,
  type CollectionBeforeOperationHook,
  type FlattenedField,
  type Payload,
  type PayloadRequest,
  type SanitizedConfig,
  type Where,
} from 'payload'

import { langOf, t } from '../i18n/messages'

/**
 * What a caller of the HTTP API (REST and GraphQL) may ask of a read, and
 * the ids it may name, checked before the operation runs, for every role.
 *
 * - **Page size.** `limit` is at most API_MAX_LIMIT; a larger one, `limit=0`
 *   (Payload's "no limit") and `pagination=false` get pages of API_MAX_LIMIT
 *   (the answer's `limit`, `totalDocs` and `hasNextPage` say so).
 * - **Ids.** A malformed id in the path (`/api/issues/abc` on SQLite,
 *   `/api/issues/123` on MongoDB) is a 404; a malformed id in a filter on an
 *   id or relationship field is a 400 naming the field. Both used to reach
 *   the database and come back as 500s.
 *
 * Only operations started by Payload's REST and GraphQL handlers are
 * touched: those never pass `overrideAccess`, while the Local API always
 * does (our own code, hooks given the request's `req`, and Payload's
 * population of relationships), so internal reads keep whatever they ask for.
 */
export const API_MAX_LIMIT = 100

type Op = 'read' | 'readDistinct' | 'update' | 'delete' | string

export const apiQueryRules: CollectionBeforeOperationHook = ({ args, collection, operation, overrideAccess, req }) => {
  if (overrideAccess !== undefined || req.payloadAPI === 'local') return args
  const a = args as Record<string, unknown>
  const op = operation as Op
  if ('id' in a && a.id !== undefined && (op === 'read' || op === 'update' || op === 'delete')) {
    const raw = typeof req.routeParams?.id === 'string' ? req.routeParams.id : a.id
    if (!wellFormedId(req.payload, collection.slug, raw)) throw new NotFound(req.t)
  }
  if (a.where && typeof a.where === 'object') checkWhere(req, collection.slug, collection.flattenedFields, a.where as Where)
  if (op === 'read' || op === 'readDistinct') {
    if (a.pagination === false) {
      a.pagination = true
      a.limit ??= API_MAX_LIMIT
    }
    if (a.limit !== undefined) {
      const n = Number(a.limit)
      a.limit = Number.isInteger(n) && n > 0 ? Math.min(n, API_MAX_LIMIT) : API_MAX_LIMIT
    }
  }
  return args
}

/** Is `value` an id a document of `slug` could have on this database (a positive whole number on SQLite, an ObjectId on MongoDB)? */
export function wellFormedId(payload: Payload, slug: string, value: unknown): boolean {
  const custom = (payload.collections[slug as never] as { customIDType?: 'number' | 'text' } | undefined)?.customIDType
  const kind = custom ?? (payload.db.name === 'mongoose' ? 'objectid' : payload.db.defaultIDType === 'number' ? 'number' : 'text')
  if (kind === 'number') {
    if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0
    return typeof value === 'string' && /^[1-9]\d{0,15}$/.test(value) && Number.isSafeInteger(Number(value))
  }
  if (kind === 'objectid') return typeof value === 'string' && /^[0-9a-f]{24}$/i.test(value)
  return (typeof value === 'string' && value.length > 0) || typeof value === 'number'
}

const ID_OPERATORS = new Set(['equals', 'not_equals', 'in', 'not_in', 'all'])

/** Throw a 400 naming the field when a filter compares an id or relationship field with a malformed id. */
function checkWhere(req: PayloadRequest, slug: string, fields: FlattenedField[], where: Where) {
  for (const [path, condition] of Object.entries(where)) {
    if ((path === 'and' || path === 'or') && Array.isArray(condition)) {
      for (const w of condition) if (w && typeof w === 'object') checkWhere(req, slug, fields, w as Where)
      continue
    }
    if (!condition || typeof condition !== 'object') continue
    const target = idTarget(slug, fields, path.split('.'))
    if (!target) continue
    for (const [op, value] of Object.entries(condition as Record<string, unknown>)) {
      if (!ID_OPERATORS.has(op)) continue
      for (const v of idValues(value)) {
        if (!wellFormedId(req.payload, target, v)) {
          const message = t('api.error.badId', langOf(req), { id: String(v).slice(0, 64) })
          throw new ValidationError({ collection: slug, errors: [{ path, message }], req }, req.t)
        }
      }
    }
  }
}

/** The collection whose ids a where path compares with, or null when the path is not an id. */
function idTarget(slug: string, fields: FlattenedField[], segments: string[]): string | null {
  const [head, ...rest] = segments
  if (head === 'id' && rest.length === 0) return slug
  const field = fields.find((f) => 'name' in f && f.name === head)
  if (!field) return null
  if (field.type === 'relationship' || field.type === 'upload') {
    if (typeof field.relationTo !== 'string') return null // polymorphic: either collection's ids
    if (rest.length === 0 || (rest.length === 1 && rest[0] === 'id')) return field.relationTo
    return null // a field of the related document
  }
  if ('flattenedFields' in field && Array.isArray(field.flattenedFields) && rest.length) return idTarget(slug, field.flattenedFields, rest)
  return null
}

/** The ids a condition names: one value, a list, or REST's comma-separated list; empty values are "exists" checks. */
function idValues(value: unknown): unknown[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' && value.includes(',') ? value.split(',') : [value]
  return list.filter((v) => v !== null && v !== undefined && v !== '')
}

/**
 * The rules on every collection of the built config, Payload's own included
 * (preferences, locked documents, jobs), which exist only once it is built.
 */
export function withApiQueryRules(config: SanitizedConfig): SanitizedConfig {
  for (const collection of config.collections) {
    collection.hooks.beforeOperation = [apiQueryRules, ...(collection.hooks.beforeOperation ?? [])]
  }
  return config
}
