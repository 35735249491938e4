import type { Payload, PayloadRequest } from 'payload'

import { initPayload } from '../../src/server/payload'

let instance: Promise<Payload> | null = null

/** This test process's Payload, on its own fresh database (see setup.ts). */
export function testPayload(): Promise<Payload> {
  instance ??= initPayload()
  return instance
}

export const onMongoLeg = () => process.env.TEST_DB === 'mongo'
