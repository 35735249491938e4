import { Router } from 'express'
import type { Payload } from 'payload'

/** Resident pages (placeholder until the reading site lands). */
export function createSiteRouter(_payload: Payload): Router {
  const router = Router()
  return router
}
