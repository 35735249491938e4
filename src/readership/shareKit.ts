import type { Payload } from 'payload'

import type { Id } from '../access'
import { shareLink } from '../delivery/links'
import { type Lang, t } from '../i18n/messages'
import { clip } from '../templates/format'
import { qrSvg } from '../templates/qr'
import { type ContentRef, DashboardError, findContent, type GridInfo, gridsFor, requestOf, type Viewer, viewerGrids } from './dashboard'

/**
 * Share kits of one content: for each grid the viewer acts for, the grid's
 * signed share link (reads through it count for that grid), its QR code and
 * a ready-to-paste text for the grid's WeChat group. Editors get every grid;
 * grid leaders and community staff their own (an announcement: only its
 * grids among theirs).
 */
export type ShareKit = { grid: GridInfo; link: string; qrSvg: string; text: string }

/** The WeChat group text: grid, title, summary (clipped: group messages are read on phones), link. */
export function shareText(content: Pick<ContentRef, 'title' | 'summary'>, grid: Pick<GridInfo, 'name'>, link: string, lang: Lang = 'zh'): string {
  const summary = clip(content.summary ?? '', 120)
  return summary
    ? t('readership.share.message', lang, { grid: grid.name, title: content.title, summary, link })
    : t('readership.share.messageNoSummary', lang, { grid: grid.name, title: content.title, link })
}

export async function shareKits(
  payload: Payload,
  viewer: Viewer,
  contentType: string,
  contentId: Id,
  lang: Lang = 'zh',
): Promise<{ content: ContentRef; kits: ShareKit[] }> {
  const req = requestOf(payload, viewer)
  const view = await viewerGrids(payload, req)
  if (!view) throw new DashboardError(403, 'readership.error.forbidden')
  const content = await findContent(payload, req, contentType, contentId)
  const kits: ShareKit[] = []
  for (const grid of gridsFor(content, view.grids)) {
    const link = shareLink(content.type, content.id, grid.id)
    kits.push({ grid, link, qrSvg: await qrSvg(link), text: shareText(content, grid, link, lang) })
  }
  return { content, kits }
}
