import fs from 'node:fs/promises'
import path from 'node:path'

import type { Payload } from 'payload'

import { fitBodyImage, toWechatHtml, type DraftArticle } from '../../channels/wechat'
import type { ContentSlug } from '../../model/content'
import type { DeliveryDoc } from '../../model/deliveries'
import { env } from '../../server/env'
import { loadSettings, mediaFor, richValues } from '../../content/data'
import { isMediaDoc, mediaSrc, type MediaDoc } from '../../templates/html'
import { mediaFileOf, wechatArticles } from '../../templates/wechat'
import { contentUrl } from '../links'
import { wechatClient } from './settings'
import type { WechatState } from './state'

/** A WeChat article's media: body images uploaded once (uploadimg), the cover thumb, the draft's articles. */

export type Content = Record<string, unknown> & { id: string | number; _status?: string }

async function mediaFolder(payload: Payload): Promise<string> {
  const upload = payload.collections.media?.config.upload as { staticDir?: string } | undefined
  return path.resolve(upload?.staticDir || env.mediaDir)
}

/** The bytes of a media file, or null when it is not on disk (logged: the image is left out). */
export async function readMedia(payload: Payload, name: string): Promise<Buffer | null> {
  try {
    return await fs.readFile(path.join(await mediaFolder(payload), name))
  } catch (err) {
    payload.logger.warn({ err, file: name, component: 'wechat' }, 'media file missing; the image is left out of the WeChat article')
    return null
  }
}

type Built = { articles: DraftArticle[]; changed: boolean }

/**
 * The draft's articles from the content as it stands now, uploading each body
 * image not uploaded before (recorded in `st.images` right away) and the cover
 * thumb when there is none yet. `changed` says whether `st` got new media.
 */
export async function buildArticles(payload: Payload, d: DeliveryDoc, doc: Content, st: WechatState, persist: () => Promise<void>): Promise<Built> {
  const client = wechatClient()
  const collection = d.contentType as ContentSlug
  const media = await mediaFor(payload, richValues(collection, doc))
  const sources = wechatArticles({ collection, doc, media })
  const url = contentUrl(collection, doc)
  st.images ??= []
  let changed = false
  const seen = { firstImage: null as string | null }
  const upload = async (src: string): Promise<string | null> => {
    const name = mediaFileOf(src)
    if (!name) return null // not one of ours: WeChat shows only uploaded images
    seen.firstImage ??= name
    const known = st.images!.find((i) => i.file === name)
    if (known) return known.url
    const data = await readMedia(payload, name)
    if (!data) return null
    let body: Buffer
    try {
      body = await fitBodyImage(data)
    } catch (err) {
      payload.logger.warn({ err, file: name, component: 'wechat' }, 'image cannot be converted for WeChat; left out')
      return null
    }
    const uploaded = await client.uploadImage(body, name.replace(/\.[^.]+$/, ''))
    st.images!.push({ file: name, url: uploaded })
    changed = true
    await persist()
    return uploaded
  }
  const contents: string[] = []
  for (const s of sources) contents.push(await toWechatHtml(s.html, (src) => upload(src)))
  if (!st.thumbMediaId) {
    const cover = sources.find((s) => s.cover)?.cover
    const settings = await loadSettings(payload)
    const logo = isMediaDoc(settings.logo) ? settings.logo : undefined
    const candidates = [fileOf(cover), seen.firstImage, fileOf(logo)].filter((x): x is string => !!x)
    let image: Buffer | null = null
    let of = ''
    for (const name of candidates) {
      image = await readMedia(payload, name)
      if (image) {
        of = name
        break
      }
    }
    // No picture at all: a plain cover in the periodical's red (WeChat requires a thumb for every article).
    image ??= await plainCover()
    st.thumbMediaId = (await client.uploadThumb(image)).mediaId
    st.thumbOf = of
    changed = true
    await persist()
  }
  const articles = sources.map((s, i) => ({
    title: s.title,
    ...(s.author ? { author: s.author } : {}),
    ...(s.digest ? { digest: s.digest } : {}),
    content: contents[i],
    contentSourceUrl: collection === 'issues' ? `${url}#a${i + 1}` : url,
    thumbMediaId: st.thumbMediaId!,
  }))
  return { articles, changed }
}

/** The original file of a media document (the thumb is made from the best picture we have). */
function fileOf(m: MediaDoc | undefined): string | null {
  if (!m || (m.mimeType && !m.mimeType.startsWith('image/'))) return null
  const src = mediaSrc(m, '')?.src
  return src ? mediaFileOf(src) : null
}

async function plainCover(): Promise<Buffer> {
  const sharp = (await import('sharp')).default
  return sharp({ create: { width: 900, height: 383, channels: 3, background: '#b3261e' } }).jpeg({ quality: 80 }).toBuffer()
}

export async function loadContent(payload: Payload, d: Pick<DeliveryDoc, 'contentType' | 'contentId'>): Promise<Content | null> {
  return (await payload.findByID({ collection: d.contentType, id: d.contentId, depth: 1, overrideAccess: true, disableErrors: true })) as Content | null
}
