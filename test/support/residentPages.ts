import type { Payload } from 'payload'

import { consentVersion, preferencesToken } from '../../src/subscribers/service'
import { paths } from '../../src/templates/paths'

/** The resident pages issue 15 lists (home, the four reading pages, grids, a grid, subscribe, preferences, 404). */
export type ResidentPage = 'home' | 'issue' | 'event' | 'policy' | 'announcement' | 'grids' | 'grid' | 'subscribe' | 'preferences' | 'notFound'

/**
 * Paths of the listed resident pages on a seeded demo street: the first
 * published content of each type, the first grid, and the preferences page
 * of a confirmed subscriber made here (with `email`).
 */
export async function listedResidentPages(payload: Payload, email: string): Promise<Record<ResidentPage, string>> {
  const first = async (collection: string) =>
    (await payload.find({ collection: collection as never, limit: 1, depth: 0, overrideAccess: true, where: { _status: { equals: 'published' } } as never })).docs[0] as unknown as {
      id: string | number
      number?: number
    }
  const [issue, event, policy, announcement] = await Promise.all(['issues', 'events', 'policies', 'announcements'].map(first))
  const grid = (await payload.find({ collection: 'grids', limit: 1, depth: 0, overrideAccess: true, sort: 'code' })).docs[0] as unknown as { id: string | number; code: string }
  const at = new Date().toISOString()
  const subscriber = (await payload.create({
    collection: 'subscribers',
    data: {
      email,
      grid: grid.id,
      channels: ['email'],
      topics: ['issues', 'events'],
      status: 'active',
      source: 'web',
      confirmedAt: at,
      consents: [{ purpose: 'content', granted: true, at, textVersion: consentVersion('content'), method: 'web' }],
    } as never,
    overrideAccess: true,
  })) as unknown as { ref: string }
  return {
    home: '/',
    issue: paths.issue(issue.number!),
    event: paths.event(event.id),
    policy: paths.policy(policy.id),
    announcement: paths.announcement(announcement.id),
    grids: paths.grids(),
    grid: paths.grid(grid.code),
    subscribe: paths.subscribe(),
    preferences: paths.preferences(preferencesToken(subscriber.ref)),
    notFound: '/events/0',
  }
}
