import { type Endpoint, type PayloadHandler, type PayloadRequest, ValidationError } from 'payload'

import { isStaff } from '../access/roles'
import { mayOnTarget } from '../access/payloadInternals'
import { REVIEW_ACTION_KEY, type RequestedAction } from '../hooks/review'
import { reviewStateText } from '../hooks/reviewNotices'
import { actionsFor, chainFor, refusalOf, type ReviewDoc, reviewOf, stepName } from '../hooks/reviewRules'
import { langOf, t } from '../i18n/messages'
import type { ContentSlug } from '../model/content'
import { REVIEW_ACTIONS, type ReviewAction } from '../model/review'

/**
 * The review actions (审核) of one content, for the admin's review panel and
 * any client: GET /api/<collection>/:id/review answers the state, the chain,
 * the history and the actions this user may take; POST with
 * { action: submit | approve | return | withdraw, comment } takes one. The
 * rules are the review hook's (src/hooks/review.ts), which also holds for
 * plain updates of `review.status`; here a review-only leader (审核领导), who
 * may not update content, acts through the same save.
 */

type Loaded = { doc: ReviewDoc & { title?: string | null }; mayUpdate: boolean }

const json = (body: unknown, status = 200) => Response.json(body, { status })

async function load(req: PayloadRequest, slug: ContentSlug): Promise<Loaded | Response> {
  const lang = langOf(req)
  if (!req.user || !isStaff(req.user as never)) return json({ message: t('review.error.forbidden', lang) }, req.user ? 403 : 401)
  const id = req.routeParams?.id as string | number | undefined
  if (id == null || id === '') return json({ message: t('review.error.notFound', lang) }, 404)
  const target = { collection: slug, id }
  if (!(await mayOnTarget(req, target, 'read'))) return json({ message: t('review.error.forbidden', lang) }, 403)
  const doc = (await req.payload.findByID({ collection: slug, id, draft: true, depth: 0, overrideAccess: true, disableErrors: true, req })) as ReviewDoc | null
  if (!doc) return json({ message: t('review.error.notFound', lang) }, 404)
  return { doc, mayUpdate: await mayOnTarget(req, target, 'update') }
}

async function describe(req: PayloadRequest, slug: ContentSlug, { doc, mayUpdate }: Loaded) {
  const lang = langOf(req)
  const chain = await chainFor(req, slug)
  const review = reviewOf(doc)
  return {
    status: review.status,
    step: review.step,
    state: reviewStateText(chain, review, lang),
    steps: chain.steps.map((_, i) => stepName(chain, i)),
    history: review.history ?? [],
    actions: await actionsFor(req, slug, doc, req.user as never, mayUpdate),
  }
}

const getHandler =
  (slug: ContentSlug): PayloadHandler =>
  async (req) => {
    const loaded = await load(req, slug)
    return loaded instanceof Response ? loaded : json(await describe(req, slug, loaded))
  }

const postHandler =
  (slug: ContentSlug): PayloadHandler =>
  async (req) => {
    const lang = langOf(req)
    const loaded = await load(req, slug)
    if (loaded instanceof Response) return loaded
    let body: { action?: unknown; comment?: unknown } = {}
    try {
      const parsed = req.json ? await req.json() : null
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as typeof body
    } catch {
      return json({ message: t('review.error.invalid', lang) }, 400)
    }
    const action = body.action as ReviewAction
    const comment = typeof body.comment === 'string' ? body.comment.slice(0, 1000) : null
    if (!REVIEW_ACTIONS.includes(action)) return json({ message: t('review.error.invalid', lang) }, 400)
    const chain = await chainFor(req, slug)
    const why = await refusalOf(req, slug, loaded.doc, action, req.user as never, loaded.mayUpdate)
    if (why) return json({ message: t(why, lang, { step: stepName(chain, reviewOf(loaded.doc).step) }) }, 403)
    if (action === 'return' && !comment?.trim()) return json({ message: t('error.returnNeedsComment', lang) }, 400)

    // A published content keeps its published version: the review goes on a draft over it.
    const main = await req.payload.db.findOne<{ id: string | number; _status?: string }>({ collection: slug, where: { id: { equals: loaded.doc.id } }, req })
    const draft = main?._status === 'published'
    const requested: RequestedAction = { action, comment, mayUpdate: loaded.mayUpdate }
    try {
      await req.payload.update({
        collection: slug,
        id: loaded.doc.id!,
        data: { review: {}, ...(draft ? { _status: 'draft' } : {}) } as never,
        draft,
        depth: 0,
        overrideAccess: true,
        user: req.user,
        req,
        context: { [REVIEW_ACTION_KEY]: requested },
      })
    } catch (err) {
      if (err instanceof ValidationError) return json({ message: err.message, errors: err.data.errors }, 400)
      throw err
    }
    const after = await load(req, slug)
    return after instanceof Response ? after : json(await describe(req, slug, after))
  }

export const reviewEndpoints = (slug: ContentSlug): Endpoint[] => [
  { path: '/:id/review', method: 'get', handler: getHandler(slug) },
  { path: '/:id/review', method: 'post', handler: postHandler(slug) },
]
