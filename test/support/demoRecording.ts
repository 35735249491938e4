import { seedDemo } from '../../src/seed/demo'

export type Recorded = { collection: string; data: Record<string, unknown>; id: number }

/**
 * What the demo street would create, without a database: the seed runs
 * against a recording stand-in for Payload's Local API, which keeps every
 * document it is asked to create and the site settings it is given.
 */
export async function demoDocuments(): Promise<{ created: Recorded[]; settings: Record<string, unknown> }> {
  const created: Recorded[] = []
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
