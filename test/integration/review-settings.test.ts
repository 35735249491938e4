import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { t } from '../../src/i18n/messages'
import { PASSWORD, smallStreet } from '../support/fixtures'
import { gql, rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'

/**
 * A review step done by community staff is for announcements only (their
 * community's grids): site settings refuse it for issues, events and
 * policies, by role or by naming a community-staff member, with a Chinese
 * message, through REST and GraphQL; the same step stays accepted for
 * announcements, and named editors for the other types.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let token: string

const message = (type: string) => t('review.settings.communityStaffOnlyAnnouncements', 'zh', { type })
const save = (reviewChains: Record<string, unknown>) => rest('POST', 'globals/site-settings?depth=0', { token, body: { reviewChains } })
const chainOf = async (slug: string) =>
  ((await payload.findGlobal({ slug: 'site-settings', depth: 0, overrideAccess: true })) as unknown as { reviewChains?: Record<string, { custom?: boolean; steps?: { role?: string; by?: string }[] }> }).reviewChains?.[slug]

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  token = await tokenFor(payload, street.admin.email, PASSWORD)
})

afterAll(async () => {
  await payload?.destroy()
})

describe('a community-staff review step in site settings', () => {
  it('is refused for issues, events and policies by role, with the reason in Chinese (REST)', async () => {
    for (const slug of ['issues', 'events', 'policies'] as const) {
      const r = await save({ [slug]: { custom: true, editorsToo: true, steps: [{ name: '初审', by: 'role', role: 'editor' }, { name: '复审', by: 'role', role: 'community-staff' }] } })
      expect(r.status).toBe(400)
      expect(JSON.stringify(r.body)).toContain(message(t(`col.${slug}.plural`, 'zh')))
      expect((await chainOf(slug))?.custom ?? false).toBe(false)
    }
  })

  it('is refused when a step names a community-staff member; named editors pass', async () => {
    let r = await save({ events: { custom: true, editorsToo: true, steps: [{ name: '初审', by: 'users', users: [street.editor.id, street.staffA.id] }] } })
    expect(r.status).toBe(400)
    expect(JSON.stringify(r.body)).toContain(message(t('col.events.plural', 'zh')))
    r = await save({ events: { custom: true, editorsToo: true, steps: [{ name: '初审', by: 'users', users: [street.editor.id] }] } })
    expect(r.status).toBe(200)
    expect((await chainOf('events'))?.steps?.map((s) => s.by)).toEqual(['users'])
  })

  it('is refused through GraphQL the same way', async () => {
    const r = await gql(
      `mutation { updateSiteSetting(data: { streetName: "徐碧街道", periodicalName: "聚焦徐碧", reviewChains: { policies: { custom: true, editorsToo: true, steps: [{ name: "初审", by: role, role: community_staff }] } } }) { streetName } }`,
      {},
      { token },
    )
    expect(r.body.data?.updateSiteSetting ?? null).toBeNull()
    expect(JSON.stringify(r.body.errors ?? [])).toContain(message(t('col.policies.plural', 'zh')))
    expect((await chainOf('policies'))?.custom ?? false).toBe(false)
  })

  it('is accepted for announcements after the editors’ first step', async () => {
    const r = await save({ announcements: { custom: true, editorsToo: false, steps: [{ name: '初审', by: 'role', role: 'editor' }, { name: '复审', by: 'role', role: 'community-staff' }] } })
    expect(r.status).toBe(200)
    expect((await chainOf('announcements'))?.steps?.map((s) => s.role)).toEqual(['editor', 'community-staff'])
  })
})
