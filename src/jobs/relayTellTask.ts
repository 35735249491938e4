import type { PayloadRequest, TaskConfig } from 'payload'

import { engineTask, nudge } from './nudge'

/**
 * The "tell the building heads" job (issue 18) as hooks and the config see
 * it: queued by the publish hook (src/hooks/relayHeads.ts) in the publish's
 * own transaction, since hooks never call out; its work, one message per
 * head and content (SMS or email), is the engine's (src/jobs/relayTell.ts),
 * reached through the engine registry. The scheduler's runner claims the job
 * under a lease (jobs/runner.ts), so a crash mid-way is taken over; each
 * head is claimed on its own, so nobody is told twice.
 */
export const RELAY_TELL_TASK = 'relay-tell'

export type RelayTellInput = { contentType: string; contentId: string; attempt?: number }

export const relayTellTask: TaskConfig = {
  slug: RELAY_TELL_TASK,
  inputSchema: [
    { name: 'contentType', type: 'text', required: true },
    { name: 'contentId', type: 'text', required: true },
    { name: 'attempt', type: 'number' },
  ],
  // An unexpected error (the database) is retried by Payload; heads already told are not told again.
  retries: { attempts: 5, backoff: { type: 'exponential', delay: 10_000 } },
  handler: engineTask('relayTell'),
}

/** Queue the telling of a content's heads (in the caller's transaction), and tick soon. */
export async function queueRelayTell(req: PayloadRequest, input: RelayTellInput, waitUntil?: Date): Promise<void> {
  await req.payload.jobs.queue({ task: RELAY_TELL_TASK as never, input: { ...input, contentId: String(input.contentId) } as never, ...(waitUntil ? { waitUntil } : {}), req })
  if (!waitUntil) nudge()
}

/** Does publishing this content tell heads at all: an announcement with grids, or urgent content. */
export const tellsHeads = (type: string, d: { urgent?: boolean | null; grids?: unknown[] | null }) => (type === 'announcements' ? !!d.grids?.length : !!d.urgent)

