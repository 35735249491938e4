/**
 * The process-wide engine registry: the one way a hook or a collection endpoint reaches
 * the scheduler and the engine's HTTP handlers without importing them (a leaf: it imports
 * nothing of ours but the message catalogue).
 *
 * Next bundles its own copy of every module it serves (collection configs, hooks and
 * what they import), so state in module scope would be two states in one process: a
 * save in the admin would call a runSoon that the scheduler never registered. The
 * registry therefore lives on globalThis under a Symbol.for key, which both copies
 * find. The server fills it at start: the scheduler registers runSoon
 * (jobs/scheduler.ts), initPayload registers the endpoint handlers, the job tasks'
 * handlers and the staff mail sender (server/engine.ts).
 */
import type { Payload, PayloadHandler, SendEmailOptions, TaskHandler } from 'payload'

import { t } from '../i18n/messages'

/** The engine's HTTP handlers that collection configs serve. */
export type EngineEndpoint = 'testSend' | 'wechatQuota' | 'massSend' | 'suppressed' | 'restoreSuppressed' | 'dashboard' | 'dashboardCsv' | 'previews' | 'wechatPlan' | 'wechatPlanSave' | 'audience' | 'relayBuildings' | 'relayReport' | 'relayReportCsv' | 'relayLog'

/** Payload job tasks whose work is the engine's (the task's config lives in jobs/tasks.ts). */
export type EngineTask = 'wechatRetract' | 'relayTell'

/** Payload's own mails (a password reset): the sender they go out as, and a queue for them (returns how many recipients it took). */
export type StaffMailSender = { from: { address: string; name?: string } | null; send: (message: SendEmailOptions, log: Payload['logger']) => number }

type Engine = {
  /** Tick the queues soon in this process (set only where the scheduler runs). */
  runSoon?: (delayMs?: number) => void
  endpoints: Partial<Record<EngineEndpoint, PayloadHandler>>
  tasks: Partial<Record<EngineTask, TaskHandler<any>>>
  staffMail?: StaffMailSender
}

const KEY = Symbol.for('street-news.engine')
const holder = globalThis as unknown as Record<symbol, Engine | undefined>
const engine = (): Engine => (holder[KEY] ??= { endpoints: {}, tasks: {} })

/** The scheduler registers its runSoon at start (and unregisters at stop). */
export function registerRunSoon(runSoon: Engine['runSoon']): void {
  engine().runSoon = runSoon
}

/** Register the engine's endpoint handlers (server/engine.ts, from initPayload). */
export function registerEndpoints(handlers: Partial<Record<EngineEndpoint, PayloadHandler>>): void {
  Object.assign(engine().endpoints, handlers)
}

/** Register the engine's job task handlers and the staff mail sender (server/engine.ts, from initPayload). */
export function registerWork(work: { tasks: Engine['tasks']; staffMail: StaffMailSender }): void {
  const e = engine()
  // A registry made by an earlier copy of this module has no task table yet.
  e.tasks = { ...(e.tasks ?? {}), ...work.tasks }
  e.staffMail = work.staffMail
}

/** A job task's handler that runs the registered engine handler (an error before the server registered it: Payload retries). */
export const engineTask =
  (name: EngineTask): TaskHandler<any> =>
  (args) => {
    const handler = engine().tasks?.[name]
    if (!handler) throw new Error(`engine task "${name}" is not registered in this process`)
    return handler(args)
  }

/** The staff mail sender, where this process registered one. */
export const staffMailSender = (): StaffMailSender | undefined => engine().staffMail

/** A delivery was queued: tick soon, if this process runs the scheduler; otherwise the next tick takes it. */
export function nudge(delayMs?: number): void {
  engine().runSoon?.(delayMs)
}

/** A collection endpoint's handler that calls the registered engine handler (503 before the server registered it). */
export const engineEndpoint =
  (name: EngineEndpoint): PayloadHandler =>
  async (req) => {
    const handler = engine().endpoints[name]
    if (!handler) return Response.json({ error: t('engine.unavailable') }, { status: 503 })
    return handler(req)
  }
