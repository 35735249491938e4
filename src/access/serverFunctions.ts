import type { buildFormStateHandler } from '@payloadcms/ui/utilities/buildFormState'
import { schedulePublishHandler, type SchedulePublishHandlerArgs } from '@payloadcms/ui/utilities/schedulePublishHandler'
import { canAccessAdmin, type PayloadRequest, type ServerFunction } from 'payload'

import { langOf, t } from '../i18n/messages'
import { mayOnTarget, type Target } from './payloadInternals'

/**
 * The admin's server functions (POSTs from the admin to Next, outside REST and
 * GraphQL) that Payload leaves open to any staff member, replaced by checked
 * versions. src/app/(payload)/layout.tsx passes this map to Payload's
 * handleServerFunctions, which takes an entry here over its own of that name.
 *
 * - `schedule-publish`: Payload's deletes any job whose id it is given (Local
 *   API, access not checked) and queues a publish of any document. Here a
 *   scheduled publication is made or cancelled only by someone who may update
 *   the document (the job then publishes as that person, through the same
 *   access and publication gate).
 * - `form-state`: with `returnLockStatus` Payload's writes an edit lock for
 *   any document it is named, straight into the database. Here the lock is
 *   taken only on a document the user may update; anyone else gets the form
 *   without a lock (they cannot save it anyway).
 */

type ScheduleArgs = Parameters<ServerFunction<SchedulePublishHandlerArgs>>[0]
type JobRow = { id: string | number; taskSlug?: string; input?: { doc?: { relationTo?: string; value?: string | number }; global?: string } }

const docTarget = (doc: { relationTo?: string; value?: string | number } | undefined | null, global: string | undefined | null): Target | null =>
  doc && typeof doc.relationTo === 'string' && doc.value != null && doc.value !== '' ? { collection: doc.relationTo, id: doc.value } : global ? { global } : null

const refuse = (req: PayloadRequest, key: 'schedule.error.forbidden' | 'schedule.error.notFound' | 'schedule.error.invalid', detail: Record<string, unknown>) => {
  req.payload.logger.warn({ component: 'schedule-publish', user: req.user?.id, ...detail }, 'schedule-publish refused')
  return { error: t(key, langOf(req)) }
}

export const schedulePublish: ServerFunction<SchedulePublishHandlerArgs> = async (args: ScheduleArgs) => {
  const { req, deleteID, doc, global, type, date } = args
  await canAccessAdmin({ req })
  if (deleteID != null && deleteID !== '') {
    const job = (await req.payload.findByID({ collection: 'payload-jobs', id: deleteID, depth: 0, overrideAccess: true, disableErrors: true, req })) as JobRow | null
    if (!job || job.taskSlug !== 'schedulePublish') return refuse(req, 'schedule.error.notFound', { deleteID })
    if (!(await mayOnTarget(req, docTarget(job.input?.doc, job.input?.global), 'update'))) return refuse(req, 'schedule.error.forbidden', { deleteID })
    await req.payload.delete({ collection: 'payload-jobs', id: job.id, overrideAccess: true, req })
    // The drawer's "delete" sends only the id: Payload's own handler then also queues an empty job.
    if (!doc && !global) return { message: req.i18n.t('general:success') }
  }
  const target = docTarget(doc, global)
  if (!target) return refuse(req, 'schedule.error.invalid', { doc, global })
  if (type !== undefined && type !== 'publish' && type !== 'unpublish') return refuse(req, 'schedule.error.invalid', { type })
  if (date === undefined || Number.isNaN(new Date(date).getTime())) return refuse(req, 'schedule.error.invalid', { date })
  if (!(await mayOnTarget(req, target, 'update'))) return refuse(req, 'schedule.error.forbidden', { target })
  return schedulePublishHandler({ ...args, deleteID: undefined })
}

type FormStateArgs = Parameters<typeof buildFormStateHandler>[0]

export const formState: ServerFunction = async (raw) => {
  const args = raw as FormStateArgs
  // Loaded when first called: it brings the admin's field components (and their stylesheets) along.
  const { buildFormStateHandler } = await import('@payloadcms/ui/utilities/buildFormState')
  const { req, returnLockStatus, collectionSlug, globalSlug, id } = args
  if (!returnLockStatus || !req.user) return buildFormStateHandler(args)
  const target: Target | null = collectionSlug && id != null ? { collection: collectionSlug, id } : globalSlug ? { global: globalSlug } : null
  if (target && !(await mayOnTarget(req, target, 'update'))) return buildFormStateHandler({ ...args, returnLockStatus: false, updateLastEdited: false })
  return buildFormStateHandler(args)
}

/** Passed to handleServerFunctions by src/app/(payload)/layout.tsx. */
export const serverFunctions: Record<string, ServerFunction<any, any>> = {
  'schedule-publish': schedulePublish,
  'form-state': formState,
}
