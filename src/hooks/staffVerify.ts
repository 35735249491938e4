import type { Endpoint, GraphQLExtension } from 'payload'
import { NotFound } from 'payload'

/**
 * Staff accounts have no email verification (Users' `auth.verify` is off), yet
 * Payload still mounts its verify route and mutation for every auth
 * collection: `POST /api/users/verify/:token` and GraphQL `verifyEmailUser`
 * queried a `_verificationToken` column that does not exist and answered
 * anyone with a 500 (and an error in the log). Both answer "not found" instead,
 * as any unknown route does; a collection's own endpoint comes before
 * Payload's, and a custom mutation replaces the generated one.
 */
export const noVerifyEndpoint: Endpoint = {
  path: '/verify/:token',
  method: 'post',
  handler: (req) => Response.json({ errors: [{ message: req.t('general:notFound') }] }, { status: 404, headers: { 'Cache-Control': 'no-store' } }),
}

/** The GraphQL mutation that replaces Payload's `verifyEmailUser`: always not found. */
export const noVerifyMutation: GraphQLExtension = (GraphQL) => ({
  verifyEmailUser: {
    type: GraphQL.GraphQLBoolean,
    args: { token: { type: GraphQL.GraphQLString } },
    resolve: (_: unknown, __: unknown, context: { req: { t: ConstructorParameters<typeof NotFound>[0] } }) => {
      throw new NotFound(context.req.t)
    },
  },
})
