import { ElementType, parseDocument } from 'htmlparser2'
import type { Payload } from 'payload'

import { checkText, kindLabel, type Finding } from '../../checks'
import { isSerious, uncovered } from '../../checks/settings'
import { toWechatHtml } from '../../channels/wechat'
import { ChannelError } from '../../channels/types'
import { contentCheckSettings } from '../../content/checks'
import { mediaFor, richValues } from '../../content/data'
import { t } from '../../i18n/messages'
import type { ContentSlug } from '../../model/content'
import { wechatArticles } from '../../templates/wechat'

/**
 * The pre-publish checks (src/checks) over the WeChat HTML itself (issue 16):
 * what WeChat will show is text joined from several fields (时间：…, 主办：…),
 * so a name next to a number, or a wrong official name added to the settings
 * after publishing, can appear there only. A serious finding the content's
 * recorded override does not cover stops the WeChat send before any call.
 */

const BLOCKS = new Set('p h1 h2 h3 h4 h5 h6 li tr section blockquote pre figcaption caption br hr td th'.split(' '))

type Node = ReturnType<typeof parseDocument>['children'][number]

/** The text of WeChat HTML, one line per block, so detectors never join two paragraphs. */
export function wechatText(html: string): string {
  const out: string[] = []
  const walk = (nodes: Node[]) => {
    for (const n of nodes) {
      if (n.type === ElementType.Text) out.push((n as { data: string }).data)
      else if ('children' in n && 'name' in n) {
        walk(n.children as Node[])
        if (BLOCKS.has(n.name)) out.push('\n')
      }
    }
  }
  walk(parseDocument(html, { decodeEntities: true }).children)
  return out.join('').replace(/\n{2,}/g, '\n').trim()
}

/** The path a finding of article i carries (pathLabel shows it as 公众号图文 n). */
export const wechatPath = (i: number) => `wechat.${i}`

/** One article as WeChat shows it: the (clipped) title, author and digest, and the converted body. */
export type WechatCheckedArticle = { title: string; author?: string; digest?: string; html: string }

/**
 * The checks over each converted article's text, its title, author and digest
 * first (one a line), with the site's settings and the numbers the editor
 * marked as the content's public contacts (`doc`).
 */
export async function wechatFindings(payload: Payload, collection: ContentSlug, articles: readonly WechatCheckedArticle[], doc?: unknown): Promise<Finding[]> {
  const settings = await contentCheckSettings(payload, doc)
  const now = new Date()
  return articles.flatMap((a, i) => {
    const text = [a.title, a.author, a.digest, wechatText(a.html)].filter(Boolean).join('\n')
    return checkText(text, wechatPath(i), { collection, settings, now })
  })
}

type Override = { reason?: string | null; covers?: string | null } | null | undefined

/** The serious findings that stop the send: all of them, or those an override recorded on the content does not cover. */
export function blockingFindings(findings: readonly Finding[], override: Override): Finding[] {
  return override?.reason ? uncovered(findings, override.covers) : findings.filter(isSerious)
}

/** A content's WeChat articles, converted without uploading (the text is what the checks read). */
export async function wechatArticlesForChecks(payload: Payload, collection: ContentSlug, doc: Record<string, unknown> & { id: string | number }): Promise<WechatCheckedArticle[]> {
  // The same media as the stages pass: the rich-text renderer caches by content and version.
  const media = await mediaFor(payload, richValues(collection, doc))
  const out: WechatCheckedArticle[] = []
  for (const s of wechatArticles({ collection, doc, media })) out.push({ title: s.title, author: s.author, digest: s.digest, html: await toWechatHtml(s.html, async () => null) })
  return out
}

/** A reason in the editor's words: the first few serious findings with what they matched. */
export function blockedReason(blocking: readonly Finding[], lang = 'zh'): string {
  const listed = blocking
    .slice(0, 3)
    .map((f) => t('previews.checks.item', lang, { kind: kindLabel(f.kind, lang), match: f.match, n: Number(f.path.split('.')[1] ?? 0) + 1 }))
    .join(t('format.listSeparator', lang))
  return t('previews.checks.blocked', lang, { count: blocking.length, found: `${listed}${blocking.length > 3 ? '…' : ''}` })
}

/**
 * Refuses (a config ChannelError: the delivery pauses with the reason, a mass
 * send answers 502 and leaves the day free) when the WeChat HTML of the content
 * has a serious finding that is not overridden.
 */
export async function assertWechatChecks(payload: Payload, collection: ContentSlug, doc: Record<string, unknown> & { id: string | number }): Promise<void> {
  const findings = await wechatFindings(payload, collection, await wechatArticlesForChecks(payload, collection, doc), doc)
  const blocking = blockingFindings(findings, doc.checksOverride as Override)
  if (!blocking.length) return
  payload.logger.warn({ component: 'wechat', content: `${collection}:${doc.id}`, serious: blocking.length, kinds: [...new Set(blocking.map((f) => f.kind))] }, 'WeChat send stopped by the pre-publish checks')
  throw new ChannelError('config', 'checks.serious', blockedReason(blocking), { field: 'content' })
}
