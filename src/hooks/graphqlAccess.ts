import type { GraphQLExtension } from 'payload'

type GraphQLModule = Parameters<GraphQLExtension>[0]
type ObjectType = InstanceType<GraphQLModule['GraphQLObjectType']>

/**
 * GraphQL `Access` (the caller's permissions) answered for every caller.
 * Payload's REST /api/access and its GraphQL query share one answer, tidied by
 * sanitizePermissions (payload/dist/utilities/sanitizePermissions.js): a false
 * permission is dropped (`canAccessAdmin` too), and an operation or field
 * allowed outright becomes a bare `true` in place of `{ permission: true }`.
 * The GraphQL schema still declares `canAccessAdmin: Boolean!` and
 * `permission: Boolean!`, so `{ Access { canAccessAdmin } }` from an
 * anonymous caller, or `issues { read { permission } }` from an editor, ended
 * in "Cannot return null for non-nullable field" and a 500 ("Something went
 * wrong.") with the error in the log. Our access functions are not involved
 * (they answer false without a user).
 *
 * The generated query is kept (same type and resolver); each field of its
 * types reads the tidied answer back: a missing value is false, and a bare
 * true or false stands for everything under it.
 */
export const accessQuery: GraphQLExtension = (GraphQL, { Query }) => {
  const access = Query.fields.Access as { type: ObjectType }
  readTidiedPermissions(GraphQL, access.type, new Set())
  return {}
}

function readTidiedPermissions(GraphQL: GraphQLModule, type: ObjectType, seen: Set<ObjectType>) {
  if (seen.has(type)) return
  seen.add(type)
  for (const field of Object.values(type.getFields())) {
    const named = GraphQL.getNamedType(field.type)
    const object = GraphQL.isObjectType(named)
    const flag = object || named === GraphQL.GraphQLBoolean
    field.resolve = (parent: unknown) => {
      // A bare true/false answers every permission under it; other values (a Where) are not known then.
      if (typeof parent === 'boolean') return flag ? parent : null
      const value = (parent as Record<string, unknown> | null | undefined)?.[field.name]
      return value === undefined && flag ? false : value
    }
    if (object) readTidiedPermissions(GraphQL, named, seen)
  }
}
