import type { Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import { label } from '../../src/i18n/messages'
import { body, type Id, PASSWORD, smallStreet } from '../support/fixtures'
import { rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'

/**
 * Payload's own collections carry names from the catalogue: its messages
 * about them (a bulk delete of edit locks) said "Payload Locked Documents" in
 * the middle of Chinese.
 */
const LOCKS = 'payload-locked-documents'
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let token = ''

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  token = await tokenFor(payload, street.editor.email, PASSWORD)
})

async function lockTwo(): Promise<Id[]> {
  const ids: Id[] = []
  for (const title of ['锁一', '锁二']) {
    const event = await payload.create({ collection: 'events', data: { title, body: body('内容'), _status: 'draft' } as never, draft: true, overrideAccess: true })
    const lock = (await payload.create({
      collection: LOCKS as never,
      data: { document: { relationTo: 'events', value: event.id }, user: { relationTo: 'users', value: street.editor.id } } as never,
      overrideAccess: true,
    })) as unknown as { id: Id }
    ids.push(lock.id)
  }
  return ids
}

describe('the names of Payload’s own collections', () => {
  it('a bulk delete of one’s edit locks says 编辑锁, not Payload Locked Documents', async () => {
    const ids = await lockTwo()
    const r = await rest('DELETE', `${LOCKS}?${ids.map((id, i) => `where[id][in][${i}]=${id}`).join('&')}`, { token, from: '203.0.113.70' })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body.docs).toHaveLength(2)
    expect(r.body.message).toContain('编辑锁')
    expect(r.body.message).not.toMatch(/Payload|Locked/)
  })

  it('in English for a user in English', async () => {
    const ids = await lockTwo()
    const r = await rest('DELETE', `${LOCKS}?${ids.map((id, i) => `where[id][in][${i}]=${id}`).join('&')}`, { token, lang: 'en', from: '203.0.113.71' })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body.message).toContain('Edit locks')
  })

  it('every one of them has both languages from the catalogue', () => {
    for (const slug of [LOCKS, 'payload-preferences', 'payload-jobs', 'payload-migrations'] as const) {
      const labels = (payload.collections as Record<string, { config: { labels: unknown } }>)[slug]?.config.labels
      expect(labels, slug).toEqual({ singular: label(`col.${slug}.singular`), plural: label(`col.${slug}.plural`) })
    }
  })
})
