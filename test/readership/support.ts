import type { Payload } from 'payload'

import type { ReadEventDoc } from '../../src/collections/ReadEvents'
import { readBuffer } from '../../src/readership/buffer'

export const BROWSER = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47'

/** Every stored read event (after writing what the buffer holds). */
export async function storedEvents(payload: Payload): Promise<ReadEventDoc[]> {
  await readBuffer(payload).flush()
  const { docs } = await payload.db.find({ collection: 'read-events', limit: 0, pagination: false, sort: 'at' })
  return docs as unknown as ReadEventDoc[]
}

export async function clearEvents(payload: Payload) {
  await readBuffer(payload).flush()
  await payload.db.deleteMany({ collection: 'read-events', where: { id: { exists: true } }, req: { transactionID: undefined } as never })
}

/** The cookie pairs a response sets, as one Cookie header. */
export const cookiesOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
