import { DomUtils, parseDocument } from 'htmlparser2'
import type { Payload } from 'payload'

import { describeFinding, type FindingView } from '../../checks/describe'
import { imageType, toWechatHtml, WECHAT_DROPPED_TAGS, WECHAT_LIMITS } from '../../channels/wechat'
import { sizeText } from '../../channels/wechat/limits'
import { mediaFor, richValues } from '../../content/data'
import { t } from '../../i18n/messages'
import type { ContentSlug } from '../../model/content'
import { isMediaDoc } from '../../templates/html'
import { mediaFileOf, wechatArticles } from '../../templates/wechat'
import { contentUrl } from '../links'
import { blockingFindings, wechatFindings } from '../wechat/checks'
import { readMedia } from '../wechat/media'

/**
 * The WeChat article as WeChat will show it, from the real converter
 * (channels/wechat/html.ts), with what the conversion drops or changes: each
 * body image to upload (and converted to JPEG when WeChat would refuse it as
 * it is), images from elsewhere dropped, every link reduced to its text, active
 * elements dropped, titles and summaries clipped to WeChat's lengths, the
 * length limits of the body, the cover thumb; and the checks' findings over the
 * converted text (the same that stop the send). Nothing is uploaded: images
 * show from the site.
 */

export type WechatNoteKind = 'image-upload' | 'image-convert' | 'image-dropped' | 'link-removed' | 'element-dropped' | 'clipped' | 'too-long' | 'too-many-articles' | 'cover' | 'source-url'
export type WechatNote = { kind: WechatNoteKind; article: number | null; text: string }
export type WechatArticlePreview = { title: string; author?: string; digest?: string; html: string; sourceUrl: string; chars: number; bytes: number }
export type WechatPreview = { articles: WechatArticlePreview[]; notes: WechatNote[]; findings: FindingView[]; serious: number; blocked: boolean }

type Doc = Record<string, unknown> & { id: string | number }

const chars = (s: string) => Array.from(s.replace(/\s+/g, ' ').trim()).length

/** The fields WeChat clips (title 32, author 16, digest 128 characters), per article, before clipping. */
function clippable(collection: ContentSlug, doc: Doc): { title: string; author?: string; digest?: string }[] {
  if (collection === 'issues') {
    const list = (doc.articles as { title?: string; author?: string | null; summary?: string | null }[] | undefined) ?? []
    return list.map((a) => ({ title: a.title ?? '', author: a.author ?? undefined, digest: a.summary ?? undefined }))
  }
  return [{ title: String(doc.title ?? ''), digest: doc.summary ? String(doc.summary) : undefined }]
}

export async function previewWechat(payload: Payload, collection: ContentSlug, doc: Doc, lang: string): Promise<WechatPreview> {
  const media = await mediaFor(payload, richValues(collection, doc))
  const sources = wechatArticles({ collection, doc, media })
  const url = contentUrl(collection, doc)
  const notes: WechatNote[] = []
  const note = (kind: WechatNoteKind, article: number | null, key: Parameters<typeof t>[0], vars: Record<string, string | number> = {}) =>
    notes.push({ kind, article, text: t(key, lang, vars) })

  if (sources.length > WECHAT_LIMITS.articles) note('too-many-articles', null, 'previews.wechat.note.tooManyArticles', { max: WECHAT_LIMITS.articles, count: sources.length })
  const originals = clippable(collection, doc)
  const seenImages = new Set<string>()
  let firstImage: string | null = null
  const articles: WechatArticlePreview[] = []
  for (const [i, s] of sources.entries()) {
    const n = i + 1
    const o = originals[i]
    const limits = [
      ['title', o?.title, WECHAT_LIMITS.titleChars],
      ['author', o?.author, WECHAT_LIMITS.authorChars],
      ['summary', o?.digest, WECHAT_LIMITS.digestChars],
    ] as const
    for (const [field, value, max] of limits) {
      if (value && chars(value) > max) note('clipped', n, 'previews.wechat.note.clipped', { field: t(`field.${field}`, lang), max, count: chars(value) })
    }
    // What the source has that WeChat will not: links (reduced to their text), active elements.
    const parsed = parseDocument(s.html, { decodeEntities: true, lowerCaseTags: true })
    for (const a of DomUtils.findAll((el) => el.name === 'a', parsed.children)) {
      const href = (a.attribs.href ?? '').trim()
      if (href) note('link-removed', n, 'previews.wechat.note.linkRemoved', { text: DomUtils.textContent(a).trim() || href, href })
    }
    const dropped = new Set(DomUtils.findAll((el) => WECHAT_DROPPED_TAGS.has(el.name), parsed.children).map((el) => el.name))
    for (const tag of dropped) note('element-dropped', n, 'previews.wechat.note.elementDropped', { tag })

    const html = await toWechatHtml(s.html, async (src) => {
      const file = mediaFileOf(src)
      if (!file) {
        note('image-dropped', n, 'previews.wechat.note.imageDropped', { src })
        return null
      }
      const data = await readMedia(payload, file)
      if (!data) {
        note('image-dropped', n, 'previews.wechat.note.imageMissing', { file })
        return null
      }
      firstImage ??= file
      if (!seenImages.has(file)) {
        seenImages.add(file)
        const fits = !!imageType(data) && data.length < WECHAT_LIMITS.bodyImageBytes
        if (fits) note('image-upload', n, 'previews.wechat.note.imageUpload', { file, size: sizeText(data.length) })
        else note('image-convert', n, 'previews.wechat.note.imageConvert', { file, size: sizeText(data.length) })
      }
      // Shown from the site here; on WeChat it is the uploaded copy.
      return src
    })
    const count = Array.from(html).length
    const bytes = Buffer.byteLength(html)
    if (count >= WECHAT_LIMITS.contentChars) note('too-long', n, 'previews.wechat.note.tooLong', { max: WECHAT_LIMITS.contentChars, count })
    else if (bytes >= WECHAT_LIMITS.contentBytes) note('too-long', n, 'previews.wechat.note.tooLarge', { size: sizeText(bytes) })
    const sourceUrl = collection === 'issues' ? `${url}#a${n}` : url
    note('source-url', n, 'previews.wechat.note.sourceUrl', { url: sourceUrl })
    articles.push({ title: s.title, ...(s.author ? { author: s.author } : {}), ...(s.digest ? { digest: s.digest } : {}), html, sourceUrl, chars: count, bytes })
  }
  const cover = sources.find((s) => s.cover)?.cover
  const coverFile = isMediaDoc(cover) ? cover.filename : firstImage
  note('cover', null, coverFile ? 'previews.wechat.note.cover' : 'previews.wechat.note.coverPlain', { file: coverFile ?? '', size: sizeText(WECHAT_LIMITS.thumbBytes) })

  const found = await wechatFindings(payload, collection, articles, doc)
  const blocking = blockingFindings(found, doc.checksOverride as never)
  const findings = found.map((f) => ({ ...describeFinding(f, lang), where: t('previews.wechat.article', lang, { n: Number(f.path.split('.')[1] ?? 0) + 1 }) }))
  return { articles, notes, findings, serious: blocking.length, blocked: blocking.length > 0 }
}
