import type { AddressInfo } from 'node:net'

import type { Payload } from 'payload'
import sharp from 'sharp'

import { createApp, listen } from '../../src/server/app'

export type Site = { base: string; get: (path: string, init?: RequestInit) => Promise<Response>; close: () => Promise<void> }

/** The Express app (no Next) on 127.0.0.1 at a free port. */
export async function startSite(payload: Payload): Promise<Site> {
  const app = createApp(payload)
  const server = await listen(payload, app, 0, '127.0.0.1')
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    base,
    get: (path, init) => fetch(`${base}${path}`, { redirect: 'manual', ...init }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A small real JPEG uploaded as media (so image sizes are generated). */
export async function uploadImage(payload: Payload, name: string, alt: string) {
  const data = await sharp({ create: { width: 1600, height: 900, channels: 3, background: '#3366aa' } }).jpeg().toBuffer()
  return payload.create({
    collection: 'media',
    data: { alt },
    file: { data, mimetype: 'image/jpeg', name, size: data.length },
    overrideAccess: true,
  }) as Promise<{ id: string | number; filename: string }>
}

export const metaContent = (html: string, property: string) =>
  html.match(new RegExp(`<meta (?:property|name)="${property}" content="([^"]*)"`))?.[1]
