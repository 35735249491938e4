import type { MediaDoc } from '../html'
import type { Id } from '../../model/ids'

/** The shapes the resident pages read (a narrow view of Payload documents; ids may be numbers or strings). */
export type { Id }
export type Ref<T> = T | Id | null | undefined

export type SiteChrome = {
  streetName: string
  periodicalName: string
  logo?: Ref<MediaDoc>
  hotline?: string | null
  wechatName?: string | null
  wechatQr?: Ref<MediaDoc>
  /** The account may sign the JS-SDK's wx.config (site setting; effective with WECHAT_APP_ID/SECRET set): pages set WeChat's share card. */
  wechatJsSdk?: boolean | null
  footerText?: string | null
  icp?: string | null
  psb?: string | null
}

export type ContentBase = {
  id: Id
  title: string
  summary?: string | null
  urgent?: boolean | null
  publishedAt?: string | null
  updatedAt?: string | null
  body?: unknown
}

export type IssueDoc = ContentBase & {
  number: number
  cover?: Ref<MediaDoc>
  articles?: { id?: Id | null; title: string; author?: string | null; summary?: string | null; body?: unknown }[] | null
}

export type CommunityDoc = { id: Id; name: string; code?: string | null }
export type GridDoc = { id: Id; code: string; name: string; community?: Ref<CommunityDoc>; households?: number | null }

export type EventDoc = ContentBase & {
  startsAt: string
  endsAt?: string | null
  location: string
  organiser?: string | null
  wholeStreet?: boolean | null
  grids?: Ref<GridDoc>[] | null
  signup?: string | null
}

export type PolicyDoc = ContentBase & {
  issuingBody: string
  documentNumber?: string | null
  effectiveDate?: string | null
  qa?: { question: string; answer: string }[] | null
  sourceUrl?: string | null
  /** The policy document explained: an id, or the record at depth 1. */
  document?: Id | PolicyDocumentDoc | null
}

export type PolicyDocumentDoc = {
  id: Id
  title: string
  issuingBody: string
  documentNumber?: string | null
  issuedDate?: string | null
  officialUrl?: string | null
  /** Payload's address of the uploaded file, when there is one. */
  url?: string | null
  filename?: string | null
  mimeType?: string | null
  filesize?: number | null
}

export type AnnouncementDoc = ContentBase & { grids?: Ref<GridDoc>[] | null }

/**
 * The reader's display switches, each remembered by a cookie (src/site/modes.ts):
 * large text, and care mode (关怀模式: the MIIT elder-friendly rules, src/templates/site/care.ts).
 */
export type ReaderModes = { largeText: boolean; care: boolean }

/** Everything a page needs besides its own content. */
export type PageContext = ReaderModes & {
  site: SiteChrome
  /** Absolute base for canonical and share-card URLs (PUBLIC_URL). */
  publicUrl: string
  /** The path this page answers at (canonical, the reader switches' way back). */
  path: string
  /** Staff preview of an unpublished version. */
  preview?: boolean
  /** The stylesheet's URL (versioned, so a new release is fetched at once). */
  cssHref: string
  /** Care mode's stylesheet, loaded after the first in care mode only (so other pages carry none of it). */
  careCssHref?: string
  /** The reading pages' own stylesheet (their end: follow card, previous and next), so other pages carry none of it. */
  readingCssHref?: string
  /** The notice-board printout's rules (public/css/print.css, media="print"), on every page but the subscription forms. */
  printCssHref?: string
  /** WeChat visitors get the share card's scripts (the account may use the JS-SDK and is configured): the head carries their slot. */
  wechatShare?: boolean
  /** Media looked up for rich-text uploads that came unpopulated. */
  media?: Map<string, MediaDoc>
}

export type Section = { kind: 'issues' | 'events' | 'policies' | 'announcements'; doc: ContentBase & { number?: number } }
