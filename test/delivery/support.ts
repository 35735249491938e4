import type { Payload } from 'payload'

import type { DeliveryDoc } from '../../src/collections/Deliveries'
import { newRef, type SubscriberChannel, type Topic } from '../../src/collections/Subscribers'
import { runDueDeliveries } from '../../src/delivery/pipeline'
import { doc, p } from '../../src/seed/lexical'
import type { Id } from '../support/fixtures'

/** Subscribers written straight through the adapter (fast; the subscribe flow has its own tests). */
export async function addSubscribers(
  payload: Payload,
  n: number,
  opts: { grid: Id; prefix?: string; channels?: SubscriberChannel[]; topics?: Topic[]; status?: string },
): Promise<{ id: Id; email: string; ref: string }[]> {
  const out: { id: Id; email: string; ref: string }[] = []
  for (let i = 0; i < n; i++) {
    const email = `${opts.prefix ?? 'r'}${String(i).padStart(5, '0')}@mail.test`
    const ref = newRef()
    const row = (await payload.db.create({
      collection: 'subscribers',
      data: {
        email,
        ref,
        grid: opts.grid,
        channels: opts.channels ?? ['email'],
        topics: opts.topics ?? ['issues', 'events', 'policies', 'announcements'],
        status: opts.status ?? 'active',
        source: 'admin',
      },
      req: { transactionID: undefined } as never,
    })) as { id: Id }
    out.push({ id: row.id, email, ref })
  }
  return out
}

export const richBody = (text: string) => doc(p(text))

export async function publishIssue(payload: Payload, title: string, extra: Record<string, unknown> = {}) {
  return (await payload.create({
    collection: 'issues',
    data: {
      title,
      summary: '本期摘要',
      articles: [
        { title: '第一篇：社区食堂开张', author: '街道宣传科', body: richBody('社区食堂今天开张，欢迎老人就餐。') },
        { title: '第二篇：垃圾分类新规', body: richBody('新规自下月起施行。') },
      ],
      _status: 'published',
      ...extra,
    } as never,
    overrideAccess: true,
  })) as { id: Id; number: number }
}

export async function deliveriesOf(payload: Payload, collection: string, id: Id): Promise<DeliveryDoc[]> {
  const { docs } = await payload.find({
    collection: 'deliveries',
    where: { and: [{ contentType: { equals: collection } }, { contentId: { equals: String(id) } }] },
    limit: 0,
    overrideAccess: true,
    sort: 'channel',
  })
  return docs as unknown as DeliveryDoc[]
}

/** Run the scheduler's delivery step until nothing is due (bounded). */
export async function drain(payload: Payload, rounds = 20) {
  for (let i = 0; i < rounds; i++) {
    const r = await runDueDeliveries(payload)
    if (!r.ran) return
  }
}

export async function deliveryById(payload: Payload, id: Id): Promise<DeliveryDoc> {
  return (await payload.findByID({ collection: 'deliveries', id, overrideAccess: true })) as unknown as DeliveryDoc
}
