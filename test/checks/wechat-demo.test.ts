import { describe, expect, it } from 'vitest'

import { toWechatHtml } from '../../src/channels/wechat'
import { checkText } from '../../src/checks/index'
import { wechatText } from '../../src/delivery/wechat/checks'
import type { ContentSlug } from '../../src/model/content'
import { wechatArticles } from '../../src/templates/wechat'
import { demoDocuments } from '../support/demoRecording'

/**
 * The demo street's content, as its WeChat articles' text (fields joined as
 * WeChat shows them: 时间：…, 地点：…), raises no 严重 finding either, so the
 * checks before a WeChat send never stop the demo.
 */
describe('the demo content on WeChat', () => {
  it('raises no serious finding in the WeChat text', async () => {
    const { created, settings } = await demoDocuments()
    const contents = created.filter((c) => ['issues', 'events', 'policies'].includes(c.collection))
    expect(contents.length).toBeGreaterThan(0)
    const serious: unknown[] = []
    for (const [n, c] of contents.entries()) {
      const articles = wechatArticles({ collection: c.collection as ContentSlug, doc: { id: `demo-${n}`, ...(c.data as Record<string, unknown>) } })
      for (const [i, a] of articles.entries()) {
        const text = [a.title, a.author, a.digest, wechatText(await toWechatHtml(a.html, async () => null))].filter(Boolean).join('\n')
        const found = checkText(text, `wechat.${i}`, { collection: c.collection, settings: { hotline: settings.hotline as string, publicUrl: 'http://127.0.0.1:3000' } })
        serious.push(...found.filter((f) => f.severity === 'serious').map((f) => [c.collection, a.title, f.kind, f.match]))
      }
    }
    expect(serious).toEqual([])
  })
})
