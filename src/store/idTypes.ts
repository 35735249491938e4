import type { Config, Payload } from 'payload'

type SchemaHook = NonNullable<NonNullable<Config['typescript']>['schema']>[number]
type Node = Record<string, unknown>

const ID_TYPE = { type: ['number', 'string'] }
const ID = new Set(['number', 'string'])

/** A relationship's id member, `{ type: 'number' }` or, for an optional one, `{ type: ['number', 'null'] }`, widened. */
function widened(n: unknown): unknown {
  if (!n || typeof n !== 'object' || Object.keys(n).length !== 1) return n
  const type = (n as Node).type
  if (typeof type === 'string' && ID.has(type)) return ID_TYPE
  if (Array.isArray(type) && type.length === 2 && type.includes('null') && type.some((t) => ID.has(t))) return { type: ['number', 'string', 'null'] }
  return n
}

/**
 * `payload generate:types` writes the ids of the database it was run with
 * (numbers, with SQLite). Widened here, once, for both databases: every
 * collection's `id`, every relationship's id (the `oneOf` beside a collection's
 * `$ref`), every global's `id`, and Payload's default id type, so no use needs a cast.
 */
export const widenIds: SchemaHook = ({ jsonSchema, collectionIDFieldTypes, config }) => {
  const slugs = new Set(Object.keys(collectionIDFieldTypes))
  const refersToCollection = (n: unknown) => typeof (n as Node)?.$ref === 'string' && slugs.has(String((n as Node).$ref).replace('#/definitions/', ''))
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk)
    if (!n || typeof n !== 'object') return
    const node = n as Node
    if (Array.isArray(node.oneOf) && node.oneOf.some(refersToCollection)) node.oneOf = node.oneOf.map(widened)
    Object.values(node).forEach(walk)
  }
  walk(jsonSchema)
  const definitions = (jsonSchema.definitions ?? {}) as Record<string, Node>
  for (const slug of [...slugs, ...config.globals.map((g) => g.slug)]) {
    const properties = definitions[slug]?.properties as Node | undefined
    if (properties?.id) properties.id = ID_TYPE
  }
  const db = ((jsonSchema.properties as Node | undefined)?.db as Node | undefined)?.properties as Node | undefined
  if (db?.defaultIDType) db.defaultIDType = ID_TYPE
  return jsonSchema
}

/** An id as a query compares it: a number on SQLite, a string on MongoDB (ids travel as strings in our rows). */
export const idValue = (payload: Payload, raw: string) => (payload.db.name === 'mongoose' ? raw : Number(raw))
