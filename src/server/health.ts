import type { Request, Response } from 'express'
import type { Payload } from 'payload'

import { schedulerState } from '../jobs/scheduler'
import { env } from './env'

/** /healthz: database reachable and the job runner ticking (for load balancers and operators). */
export function healthHandler(payload: Payload) {
  return async (_req: Request, res: Response) => {
    const started = Date.now()
    let database: { ok: boolean; ms?: number; error?: string }
    try {
      await payload.count({ collection: 'communities', overrideAccess: true })
      database = { ok: true, ms: Date.now() - started }
    } catch {
      database = { ok: false, error: 'unreachable' }
    }
    const runsJobs = env.role !== 'web'
    const tickAge = schedulerState.lastTickAt ? (Date.now() - schedulerState.lastTickAt.getTime()) / 1000 : null
    const jobsOk = !runsJobs || (tickAge !== null && tickAge < 120)
    const ok = database.ok
    res.status(ok ? 200 : 503).set('Cache-Control', 'no-store').json({
      ok,
      role: env.role,
      database: { adapter: payload.db.name, ...database },
      jobs: {
        runsHere: runsJobs,
        lastTickAt: schedulerState.lastTickAt?.toISOString() ?? null,
        lastTickAgeSeconds: tickAge,
        healthy: jobsOk,
        lastError: schedulerState.lastError,
      },
    })
  }
}
