import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import sharp from 'sharp'
import { beforeAll, describe, expect, it, vi } from 'vitest'

import { env } from '../../src/server/env'
import { PASSWORD, smallStreet } from '../support/fixtures'
import { rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'

/**
 * Uploaded images go to DATA_DIR/media, as docs/configuration.md says, and
 * MEDIA_DIR overrides it. This file's process runs without MEDIA_DIR (set
 * before Payload's config is loaded), so the default is what is tested: the
 * upload collection's folder was `data/media` under the working directory,
 * whatever DATA_DIR said.
 */
vi.hoisted(() => {
  delete process.env.MEDIA_DIR
  // Above Payload's own default of 20 MB a file: its multipart parser must follow the setting.
  process.env.UPLOAD_LIMIT = '30mb'
})

let token = ''

beforeAll(async () => {
  const payload = await testPayload()
  const street = await smallStreet(payload)
  token = await tokenFor(payload, street.editor.email, PASSWORD)
})

describe('where uploads go', () => {
  it('stores an upload, and its resized versions, under DATA_DIR/media when MEDIA_DIR is unset', async () => {
    const payload = await testPayload()
    const dataDir = process.env.DATA_DIR!
    const expected = path.join(dataDir, 'media')
    expect(payload.collections.media.config.upload.staticDir).toBe(expected)

    const image = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#336699' } }).jpeg().toBuffer()
    const form = new FormData()
    form.append('file', new Blob([new Uint8Array(image)], { type: 'image/jpeg' }), 'media-dir-test.jpg')
    form.append('_payload', JSON.stringify({ alt: '测试' }))
    const res = await rest('POST', 'media', { token, form })
    expect(res.status).toBe(201)
    const doc = res.body.doc as { filename: string; sizes: Record<string, { filename: string }> }
    expect(fs.existsSync(path.join(expected, doc.filename))).toBe(true)
    expect(fs.existsSync(path.join(expected, doc.sizes.thumb.filename))).toBe(true)
    expect(fs.existsSync(path.resolve('data/media', doc.filename))).toBe(false)

    const file = await rest('GET', `media/file/${encodeURIComponent(doc.filename)}`)
    expect(file.status).toBe(200)
  })

  it('lets Payload take an upload up to UPLOAD_LIMIT, past its own default of 20 MB a file', async () => {
    const side = Math.ceil(Math.sqrt((22 * 1024 * 1024) / 1.2))
    const image = await sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } }).jpeg({ quality: 100 }).toBuffer()
    expect(image.length).toBeGreaterThan(20 * 1024 * 1024)
    expect(image.length).toBeLessThan(30 * 1024 * 1024)
    const form = new FormData()
    form.append('file', new Blob([new Uint8Array(image)], { type: 'image/jpeg' }), 'large-upload.jpg')
    form.append('_payload', JSON.stringify({ alt: '大图' }))
    const res = await rest('POST', 'media', { token, form })
    expect(res.status, JSON.stringify(res.body).slice(0, 200)).toBe(201)
  }, 120_000)

  it('takes MEDIA_DIR, made absolute, when it is set', () => {
    const saved = process.env.MEDIA_DIR
    try {
      process.env.MEDIA_DIR = 'some/relative/media'
      expect(env.mediaDir).toBe(path.resolve('some/relative/media'))
      process.env.MEDIA_DIR = '/srv/street-news/media'
      expect(env.mediaDir).toBe('/srv/street-news/media')
      delete process.env.MEDIA_DIR
      expect(env.mediaDir).toBe(path.join(env.dataDir, 'media'))
    } finally {
      if (saved === undefined) delete process.env.MEDIA_DIR
      else process.env.MEDIA_DIR = saved
    }
  })
})
