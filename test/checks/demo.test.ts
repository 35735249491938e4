import { describe, expect, it } from 'vitest'

import { runChecks } from '../../src/checks/index'
import { seedDemo } from '../../src/seed/demo'

/**
 * The demo street's content raises no 严重 finding (issue 16). The seed runs
 * against a recording stand-in for Payload's Local API (no database needed:
 * only what it would create is kept), and the checks run on each content as
 * it would be saved.
 */
async function demoDocuments() {
  const created: { collection: string; data: Record<string, unknown>; id: number }[] = []
  let settings: Record<string, unknown> = {}
  let id = 0
  const logger = { info() {}, warn() {}, error() {}, child: () => logger }
  const payload = {
    logger,
    updateGlobal: async ({ data }: { data: Record<string, unknown> }) => (settings = data),
    find: async () => ({ docs: [] }),
    create: async ({ collection, data }: { collection: string; data: Record<string, unknown> }) => {
      const doc = { collection, data, id: ++id }
      created.push(doc)
      return { id: doc.id, ...data }
    },
  }
  await seedDemo(payload as never)
  return { created, settings }
}

describe('the demo content', () => {
  it('raises no serious finding, and what it raises is listed here', async () => {
    const { created, settings } = await demoDocuments()
    const media = new Map(created.filter((c) => c.collection === 'media').map((c) => [c.id, c.data]))
    const contents = created.filter((c) => ['issues', 'events', 'policies', 'announcements'].includes(c.collection))
    expect(contents.map((c) => c.collection).sort()).toEqual(['announcements', 'events', 'issues', 'policies'])

    const findings = contents.flatMap((c) =>
      runChecks(c.data, {
        collection: c.collection,
        settings: {
          hotline: settings.hotline as string,
          publicUrl: 'http://127.0.0.1:3000',
          media: (mid) => media.get(Number(mid)) as { alt?: string } | undefined,
        },
      }).map((f) => [c.collection, f.severity, f.kind, f.match]),
    )
    expect(findings.filter(([, severity]) => severity === 'serious')).toEqual([])
    expect(findings).toEqual([])
  })
})
